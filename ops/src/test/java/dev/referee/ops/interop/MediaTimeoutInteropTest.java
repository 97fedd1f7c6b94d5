package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code media.timeout} (issue 10): SIPp parties that set up calls through Referee with media anchored and then send
 * no RTP at all, each waiting for a BYE. The relay finds each call's pair silent, reports it, the report becomes a
 * journaled input, and Referee ends the call with BYE to both parties, cause {@code media-timeout}; the journal
 * replays exactly and lists each call with that outcome.
 */
@Tag("interop")
class MediaTimeoutInteropTest
{
    private static final int CALLS = 5;
    private static final Duration BOUND = Duration.ofSeconds(40);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private RefereeProcess referee;

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldEndCallsWithNoMediaAfterTheMediaTimeoutWithByeToBothParties() throws IOException
    {
        final Path dir = DUMP.workDir("referee-media-timeout-");
        try (SippRun callee = DUMP.track(Sipp.uas("uas-hold-until-bye.xml", dir).transport(SippTransport.UDP)
            .calls(CALLS).globalTimeout(BOUND).start()))
        {
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), callee.localPort(),
                List.of(), RefereeProcess.mediaYaml(24_400, 24_499, "  timeout: 2s\n"));
            DUMP.always(referee::describe);
            final long startNs = System.nanoTime();
            try (SippRun caller = DUMP.track(Sipp.uac("uac-hold-until-bye.xml", dir).remote(referee.sipPort())
                .service("bob").transport(SippTransport.UDP).calls(CALLS).rate(10).limit(CALLS).globalTimeout(BOUND)
                .start()))
            {
                caller.awaitResult(BOUND.plusSeconds(10)).assertAllSucceeded(CALLS);
            }
            callee.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(CALLS);
            final long endedAfterMs = (System.nanoTime() - startNs) / 1_000_000;
            // The relay checks silence every 100 ms: the calls end a little after 2 s, well before SIPp's 60 s.
            assertTrue(endedAfterMs < 15_000, "ended after " + endedAfterMs + " ms");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, Duration.ofSeconds(10)),
            () -> referee.status().raw());

        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
        final String calls = JournalTool.run(referee.journalDir(), "calls");
        assertEquals(CALLS, calls.lines().filter(l -> l.endsWith("outcome=media-timeout")).count(), calls);
    }
}
