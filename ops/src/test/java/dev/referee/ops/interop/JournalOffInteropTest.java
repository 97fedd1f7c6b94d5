package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code journal.enabled: false}, the configuration the journal-off benchmark runs: basic calls and a blind transfer
 * still go through (call records and the rest of the node are wired as with the journal), and no journal is
 * written.
 */
@Tag("interop")
class JournalOffInteropTest
{
    private static final int CALLS = 200;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static RefereeProcess referee;

    @BeforeAll
    static void checkSipp()
    {
        Sipp.binary();
    }

    @AfterAll
    static void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCarryCallsAndATransferWithoutWritingAJournal() throws IOException
    {
        final Path dir = DUMP.workDir("referee-journal-off-");
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(Sipp.uas("uas-target-answer-offer-then-wait-bye.xml", dir)
                .globalTimeout(BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", dir).key("target", "carol")
                .globalTimeout(BOUND), 1).localPort();
            final int basicPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir).calls(CALLS)
                .globalTimeout(BOUND), CALLS).localPort();
            referee = RefereeProcess.start(dir, bobPort, List.of(new RefereeProcess.Route("carol", carolPort),
                new RefereeProcess.Route("basic", basicPort)), "", false);
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(80));
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(referee.sipPort())
                .service("bob").holdMs(200).globalTimeout(BOUND), 1);
            parties.start(Sipp.uac("uac-basic-call.xml", dir).remote(referee.sipPort()).service("basic")
                .calls(CALLS).rate(100).limit(CALLS).globalTimeout(BOUND), CALLS);
            parties.assertAllSucceeded(BOUND.plusSeconds(10));
        }
        final RefereeStatus status = referee.awaitCallsEnded(Duration.ofSeconds(15));
        assertEquals(0, status.activeCalls(), status::raw);

        assertFalse(Files.exists(referee.journalDir()), "journal written although journal.enabled is false: " +
            referee.journalDir());
        // Call records stay wired: each leg of the finished calls gives one line (CdrWriter is asynchronous).
        final Path cdr = dir.resolve("data").resolve("cdr");
        final boolean written = Ports.await(() -> cdrLines(cdr) >= 2L * CALLS, Duration.ofSeconds(10));
        assertEquals(true, written, "call records in " + cdr + ": " + cdrLines(cdr));
    }

    private static long cdrLines(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return 0;
        }
        try (var files = Files.list(dir))
        {
            return files.mapToLong(file -> SippRun.read(file).lines().count()).sum();
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }
}
