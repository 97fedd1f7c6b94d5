package dev.referee.ops.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Referee against SIPp: one Referee process (the packaged jar) for the class, a SIPp callee behind route
 * {@code bob} (UDP) / {@code bobtcp} (TCP) and a SIPp caller sending to Referee. Each test checks that every call
 * succeeded on both sides and that Referee holds no call or dialog afterwards; the last test checks that the
 * transactions drain too (UDP server transactions linger up to Timer J = 64*T1 = 32 s).
 */
@Tag("interop")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RefereeInteropTest
{
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(15);
    /** Timer J (64*T1 = 32 s) for UDP non-INVITE server transactions, plus slack. */
    private static final Duration TRANSACTIONS_END_WITHIN = Duration.ofSeconds(40);
    private static final Duration TCP_TRANSACTIONS_END_WITHIN = Duration.ofSeconds(5);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static int calleePort;
    private static RefereeProcess referee;

    @BeforeAll
    static void startReferee() throws IOException
    {
        Sipp.binary(); // fails naming sip-tester when SIPp is missing
        workDir = Files.createTempDirectory("referee-interop-");
        calleePort = Ports.freeUdpAndTcpPort();
        referee = RefereeProcess.start(workDir, calleePort);
        DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" + referee.logTail(80)
            + "\n--- /status: " + safeStatus());
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
    @Order(1)
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteFiveHundredTcpCalls()
    {
        runPair("uas-answer-then-wait-bye.xml", "uac-basic-call.xml", SippTransport.TCP, "bobtcp", 500, 100, 100,
            Duration.ofSeconds(60));

        // Over TCP the transactions have no Timer J/K/D wait, and no UDP test ran before this one.
        referee.awaitIdle(TCP_TRANSACTIONS_END_WITHIN);
    }

    @Test
    @Order(2)
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteTwoThousandUdpCallsAtTwoHundredPerSecond()
    {
        runPair("uas-answer-then-wait-bye.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 2_000, 200, 100,
            Duration.ofSeconds(60));
    }

    @Test
    @Order(3)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayCancelBeforeAnswer()
    {
        runPair("uas-ring-then-expect-cancel.xml", "uac-cancel-before-answer.xml", SippTransport.UDP, "bob", 10, 10,
            0, Duration.ofSeconds(30));
    }

    @Test
    @Order(4)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayBusyHere()
    {
        runPair("uas-answer-486.xml", "uac-expect-486.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Order(5)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayByeFromCallee()
    {
        runPair("uas-bye-from-callee.xml", "uac-expect-bye-from-callee.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Order(6)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayHoldAndUnholdFromCaller()
    {
        runPair("uas-accept-hold-unhold.xml", "uac-hold-unhold.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Order(7)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayHoldAndUnholdFromCallee()
    {
        runPair("uas-hold-unhold-from-callee.xml", "uac-accept-hold-unhold.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    /**
     * The caller loses 10% of what it sends and receives (lost="10"); its lost INVITEs and BYEs are retransmitted
     * by SIPp, its lost 200s and ACKs must be recovered by Referee retransmitting the 2xx on the caller's leg
     * and absorbing retransmitted requests in its transactions. The callee tolerates retransmissions.
     */
    @Test
    @Order(8)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCompleteCallThroughRetransmissionsWithTenPercentLoss()
    {
        runPair("uas-answer-tolerate-retransmissions.xml", "uac-basic-call-lossy.xml", SippTransport.UDP, "bob", 20,
            5, 0, Duration.ofSeconds(90));
    }

    @Test
    @Order(9)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldHoldNoCallDialogOrTransactionOnceAllCallsHaveEnded()
    {
        final RefereeStatus status = referee.awaitIdle(TRANSACTIONS_END_WITHIN);

        assertEquals(0, status.activeCalls(), status::raw);
        assertEquals(0, status.dialogs(), status::raw);
        assertEquals(0, status.transactions(), status::raw);

        // Completed UDP transactions absorb retransmissions for 64*T1 = 32 s, then everything must be gone.
        final RefereeStatus empty = referee.awaitEmpty(TRANSACTIONS_END_WITHIN);
        assertEquals(0, empty.transactionsWaiting(), empty::raw);
        assertEquals(0, empty.timers(), empty::raw);
    }

    /**
     * The journal of everything above (UDP and TCP calls, CANCEL, 486, re-INVITEs, 10% loss), replayed by
     * {@code referee journal replay} from the jar while Referee still runs: every output and event identical.
     */
    @Test
    @Order(10)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReplayTheJournalOfUdpAndTcpCallsExactly()
    {
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
    }

    /**
     * Starts the callee on the routed port, then the caller toward Referee; both must complete every call, and
     * Referee must hold no call or dialog afterwards.
     */
    private static void runPair(
        final String calleeScenario,
        final String callerScenario,
        final SippTransport transport,
        final String user,
        final int calls,
        final int ratePerSecond,
        final long holdMs,
        final Duration bound)
    {
        final Path dir = workDir.resolve(callerScenario.replace(".xml", ""));
        try (SippRun callee = DUMP.track(Sipp.uas(calleeScenario, dir).port(calleePort).transport(transport)
                .calls(calls).globalTimeout(bound).start());
            SippRun caller = DUMP.track(Sipp.uac(callerScenario, dir).remote(referee.sipPort()).service(user)
                .transport(transport).calls(calls).rate(ratePerSecond).limit(Math.max(10, ratePerSecond))
                .holdMs(holdMs).globalTimeout(bound).start()))
        {
            final SippResult callerResult = caller.awaitResult(bound.plusSeconds(10));
            final SippResult calleeResult = callee.awaitResult(Duration.ofSeconds(15));

            callerResult.assertAllSucceeded(calls);
            calleeResult.assertAllSucceeded(calls);
        }
        referee.awaitCallsEnded(CALLS_END_WITHIN);
    }

    private static String safeStatus()
    {
        try
        {
            return referee.status().raw();
        }
        catch (final AssertionError | RuntimeException ex)
        {
            return "(unavailable: " + ex.getMessage() + ")";
        }
    }
}
