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
 * Admission control against SIPp (issue 8, the suite's short form of the overload run in benchmarks/): Referee is
 * configured to shed new calls as soon as a little work waits for its engine, and SIPp offers calls in bursts. Every
 * call must end one of two clean ways: completed end to end, or refused at once with 503 and Retry-After. No BYE or
 * ACK of an admitted call is ever refused, every admitted call reaches the callee and completes there, and the
 * counts in /status add up.
 */
@Tag("interop")
class OverloadInteropTest
{
    private static final int CALLS = 3_000;
    private static final int RATE = 1_000;
    private static final Duration BOUND = Duration.ofSeconds(60);
    /**
     * Limits far below what a real node uses, so that SIPp's bursts cross them even on a quiet machine: new calls are
     * shed once three inputs (1 % of a 256-slot ring, rounded down), or one input older than a millisecond, wait for
     * the engine. (With ten inputs, a quiet machine shed only 98 of 3,000.)
     */
    private static final String OVERLOAD_YAML =
        "pipeline:\n  inbound-ring: 256\noverload:\n  max-ring-fill: 1\n  max-lag: 1ms\n  retry-after: 2s\n";

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
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCompleteEveryAdmittedCallAndRefuseOnlyNewCallsWith503() throws IOException
    {
        final Path dir = DUMP.workDir("referee-overload-interop-");
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", dir)
                .calls(CALLS).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP))
        {
            referee = RefereeProcess.start(dir, callee.localPort(), List.of(), OVERLOAD_YAML);
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(40) + "\n--- /status: " + referee.status().raw());
            // The caller's scenario fails a call unless it completes, or is shed at the INVITE with a Retry-After.
            callers.start(Sipp.uac("uac-basic-call-or-shed.xml", dir).remote(referee.sipPort()).service("bob")
                .calls(CALLS).rate(RATE).limit(RATE).globalTimeout(BOUND), CALLS);
            callers.assertAllSucceeded(BOUND.plusSeconds(10));

            final RefereeStatus status = referee.status();
            final long shed = status.counter("shed");
            final long admitted = status.counter("admitted");
            assertTrue(shed > 0, "some calls were shed: " + status.raw());
            assertTrue(admitted >= CALLS - shed, "every call not shed was admitted: " + status.raw());
            assertEquals(0, status.counter("overload503"), "the ring never filled: admission control shed first");

            // The callee sees exactly the admitted calls, and each of them completes.
            final long expected = CALLS - shed;
            Ports.await(() -> successful(callee) == expected, Duration.ofSeconds(15));
            assertEquals(expected, successful(callee), "calls completed at the callee");
            assertEquals(0, SippResult.column(SippRun.read(callee.statFile()), "FailedCall(C)"));
            System.out.println("overload: " + CALLS + " calls offered at " + RATE + "/s: " + expected +
                " completed, " + shed + " shed with 503, " + status.counter("absorbed") + " retransmissions absorbed");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    private static long successful(final SippRun run)
    {
        return SippResult.column(SippRun.read(run.statFile()), "SuccessfulCall(C)");
    }
}
