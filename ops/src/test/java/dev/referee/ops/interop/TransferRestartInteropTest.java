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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blind transfer interrupted by a crash (issue 4): Alice calls Bob through Referee, Bob REFERs her to Carol, and
 * while Carol rings Referee is killed with SIGKILL, then restarted on the same ports and journal. Carol answers
 * after the restart (her 200 is retransmitted until Referee, recovered, ACKs it), Alice is re-INVITEd and joined to
 * Carol, Bob gets his final NOTIFY and hangs up, then Alice and Carol hang up: every SIPp party completes its call
 * and the journal of both runs replays exactly.
 */
@Tag("interop")
class TransferRestartInteropTest
{
    /** Carol rings this long: the kill and the restart (JVM start and journal replay) happen meanwhile. */
    private static final long TARGET_RINGS_MS = 6_000;
    private static final Duration BOUND = Duration.ofSeconds(45);
    private static final Duration RINGING_WITHIN = Duration.ofSeconds(10);

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
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteABlindTransferWhoseTargetWasRingingWhenRefereeWasKilled() throws IOException
    {
        final Path dir = DUMP.workDir("referee-transfer-restart-");
        final Sipp carolSpec = Sipp.uas("uas-target-ring-long-then-answer-offer.xml", dir)
            .arg("-d", Long.toString(TARGET_RINGS_MS)).globalTimeout(BOUND).traceMessages();
        final Sipp bobSpec = Sipp.uas("uas-answer-then-refer-blind.xml", dir).key("target", "carol")
            .globalTimeout(BOUND).traceMessages();
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(carolSpec, 1).localPort();
            final int bobPort = parties.start(bobSpec, 1).localPort();
            referee = RefereeProcess.start(dir, bobPort, List.of(new RefereeProcess.Route("carol", carolPort)), "");
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(80));
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", dir).remote(referee.sipPort())
                .service("bob").holdMs(500).globalTimeout(BOUND), 1);

            awaitSent(carolSpec.messageFile(), "SIP/2.0 180 Ringing");
            // Referee has relayed the ringing to Bob as NOTIFY 180: the kill lands in the middle of the transfer.
            awaitRingingNotify(bobSpec.messageFile());
            final long killedNs = System.nanoTime();
            referee.kill9();
            referee.restart();
            final long downMs = (System.nanoTime() - killedNs) / 1_000_000;
            // Not asserted: on a loaded machine the restart may outlast the ringing, and then Carol's retransmitted
            // 200 is what reaches the recovered Referee; both paths must end the same way.
            final boolean answeredWhileDown = SippRun.read(carolSpec.messageFile()).contains("SIP/2.0 200 OK");
            System.out.println("Referee killed while the transfer target rang, back in " + downMs + " ms; target " +
                (answeredWhileDown ? "answered while Referee was down (200 retransmitted)" : "still ringing"));
            assertEquals(1, referee.status().activeCalls(), "the transfer's call rebuilt from the journal: " +
                referee.status().raw());

            parties.assertAllSucceeded(BOUND.plusSeconds(10));
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));

        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
        final String calls = JournalTool.run(referee.journalDir(), "calls");
        assertTrue(calls.contains("1 call(s)"), calls);
    }

    /** Waits until SIPp's message trace shows {@code firstLine} (SIPp writes the trace as it goes). */
    private static void awaitSent(final Path messageFile, final String firstLine)
    {
        final boolean seen = Ports.await(() -> SippRun.read(messageFile).contains(firstLine), RINGING_WITHIN);
        assertTrue(seen, "no '" + firstLine + "' in " + messageFile + " within " + RINGING_WITHIN);
    }

    /** Waits until SIPp's message trace shows a NOTIFY received with a 180 in its sipfrag body. */
    private static void awaitRingingNotify(final Path messageFile)
    {
        final boolean seen = Ports.await(() -> hasRingingNotify(SippRun.read(messageFile)), RINGING_WITHIN);
        assertTrue(seen, "no NOTIFY with 'SIP/2.0 180' received in " + messageFile + " within " + RINGING_WITHIN);
    }

    /** SIPp's trace separates messages with a dashed line and a time stamp; a received one says "received". */
    static boolean hasRingingNotify(final String trace)
    {
        for (final String entry : trace.split("-{20,}"))
        {
            if (entry.contains("message received") && entry.contains("\nNOTIFY ") && entry.contains("SIP/2.0 180"))
            {
                return true;
            }
        }
        return false;
    }
}
