package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blind transfers performed by Referee (RFC 5589 §6.1 flows terminated in the network), against three SIPp
 * parties over UDP: Alice calls through Referee (route {@code bob}) to Bob; one of them REFERs the other to Carol
 * (route {@code carol}). Every test checks what a user would: each SIPp party completed its calls (the scenarios
 * check the NOTIFY sipfrag bodies the transferor gets, the SDP the transferee and the target exchange, and that the
 * remaining parties can hang up on each other), and Referee holds no call or dialog afterwards. One Referee per
 * test, started once Bob and Carol have reported their ports, with default transfer settings (transfer.on-failure:
 * recall, no trunks: PSTN targets refused); no test depends on another or on their order.
 */
@Tag("interop")
class TransferInteropTest
{
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(15);
    /** Timer J (64*T1 = 32 s) for UDP non-INVITE server transactions, plus slack. */
    private static final Duration TRANSACTIONS_END_WITHIN = Duration.ofSeconds(40);
    private static final Duration SIPP_BOUND = Duration.ofSeconds(30);
    /** The target waits this long before ringing or failing, so that an "at once" transferor hangs up first. */
    private static final String TARGET_DELAY_MS = "500";

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static RefereeProcess current;
    private RefereeProcess referee;

    @BeforeAll
    static void requireSipp() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-transfer-interop-");
        DUMP.always(() -> current == null ? "(no Referee)" : "--- Referee (pid " + current.pid() + ") " +
            current.logFile() + ":\n" + current.logTail(80) + "\n--- /status: " + safeStatus(current));
    }

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    /** Referee for one test, routing to the ports Bob and Carol reported. */
    private void startReferee(final TestInfo test, final int bobPort, final int carolPort) throws IOException
    {
        referee = RefereeProcess.start(Files.createDirectories(dir(test).resolve("referee")), bobPort, List.of(
            new RefereeProcess.Route("carol", carolPort),
            // A PSTN number that is routable: a refusal can only come from the transfer policy.
            new RefereeProcess.Route("\\+1[0-9]+", carolPort)), "");
        current = referee;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTransferTheCallerToTheTargetWhenTheCalleeRefers(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(
                target("uas-target-answer-offer-then-wait-bye.xml", dir), 1).localPort();
            final int bobPort = parties.start(callee("uas-answer-then-refer-blind.xml", dir), 1).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-accept-transfer-reinvite.xml", dir).holdMs(200), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldTransferTheCalleeToTheTargetWhenTheCallerRefers(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(
                target("uas-target-answer-offer-then-wait-bye.xml", dir), 1).localPort();
            final int bobPort = parties.start(
                callee("uas-answer-then-accept-transfer-reinvite-then-bye.xml", dir), 1).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-refer-blind.xml", dir), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldKeepTheCallJoinedWhenTheTargetIsBusySoTheTransferorTakesTheTransfereeBack(final TestInfo test)
        throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(target("uas-answer-486.xml", dir), 1).localPort();
            final int bobPort = parties.start(
                callee("uas-hold-refer-expect-busy-then-unhold-and-bye.xml", dir), 1).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-accept-hold-unhold-then-expect-bye.xml", dir), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldConnectTheTransfereeWhenTheTransferorHangsUpAtOnceAndTheTargetAnswers(final TestInfo test)
        throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(
                target("uas-target-answer-offer-then-wait-bye.xml", dir).arg("-d", TARGET_DELAY_MS), 1).localPort();
            final int bobPort = parties.start(
                callee("uas-refer-then-hang-up-at-once-or-accept-recall.xml", dir), 1).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-accept-transfer-reinvite.xml", dir).holdMs(200), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    /**
     * RFC 5057 §5.2: the REFER's subscription outlives the transferor's BYE, so its SUBSCRIBE Expires: 0 sent after
     * the BYE (here 300 ms after, the transfer usually completed meanwhile) gets 200 from Referee, never 481.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerTheTransferorsUnsubscribeAfterItsByeWith200(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(target("uas-target-answer-offer-then-wait-bye.xml", dir), 1).localPort();
            final int bobPort = parties.start(
                callee("uas-answer-refer-bye-then-unsubscribe.xml", dir), 1).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-accept-transfer-reinvite.xml", dir).holdMs(200), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    /** transfer.on-failure: recall (the default): the transferor's SIPp takes a second call, the recall. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRecallTheTransferorWhenItHungUpAndTheTargetIsBusy(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(
                target("uas-target-busy-after-delay.xml", dir).arg("-d", TARGET_DELAY_MS), 1).localPort();
            final int bobPort = parties.start(
                callee("uas-refer-then-hang-up-at-once-or-accept-recall.xml", dir).calls(2), 2).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-accept-transfer-reinvite.xml", dir).holdMs(200), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseAPstnTransferTargetWithForbiddenAndKeepTheCall(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            // Both REFERs must get 403 (the scenario checks the Reason); the call goes on and Bob hangs up.
            startReferee(test, parties.start(callee("uas-refer-pstn-target-expect-403.xml", dir), 1).localPort(),
                RefereeProcess.NO_PARTY);
            parties.start(caller("uac-expect-bye-from-callee.xml", dir), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseHeaderInjectionThroughReferToWithBadRequestAndKeepTheCall(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            // The REFER must get 400 (the scenario checks the Warning); the call goes on and Bob hangs up.
            startReferee(test, parties.start(callee("uas-refer-header-injection-expect-400.xml", dir), 1)
                .localPort(), RefereeProcess.NO_PARTY);
            parties.start(caller("uac-expect-bye-from-callee.xml", dir), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        // Nothing was sent for the REFER: one INVITE (to Bob) and no NOTIFY in all Referee sent.
        final Matcher sent = Pattern.compile("\"messagesOut\":\\{\"requests\":\\{([^}]*)}").matcher(
            referee.status().raw());
        assertTrue(sent.find(), referee.status().raw());
        assertTrue(sent.group(1).contains("\"INVITE\":1") && !sent.group(1).contains("NOTIFY"), sent.group(1));
        assertNoCallLeft();
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldCompleteOneHundredBlindTransfersAtTwentyPerSecondWithoutFailure(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        final int transfers = 100;
        final Duration bound = Duration.ofSeconds(60);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(target("uas-target-answer-offer-then-wait-bye.xml", dir)
                .calls(transfers).globalTimeout(bound), transfers).localPort();
            final int bobPort = parties.start(callee("uas-answer-then-refer-blind.xml", dir).calls(transfers)
                .globalTimeout(bound), transfers).localPort();
            startReferee(test, bobPort, carolPort);
            parties.start(caller("uac-call-then-accept-transfer-reinvite.xml", dir).calls(transfers).rate(20)
                .limit(transfers).holdMs(500).globalTimeout(bound), transfers);
            parties.assertAllSucceeded(bound.plusSeconds(15));
        }
        assertNoCallLeft();

        // The transactions of all these transfers drain too (UDP ones linger up to Timer J = 32 s).
        final RefereeStatus empty = referee.awaitEmpty(TRANSACTIONS_END_WITHIN);
        assertEquals(0, empty.transactions(), empty::raw);
        assertEquals(0, empty.transactionsWaiting(), empty::raw);
        assertEquals(0, empty.timers(), empty::raw);
    }

    // ---- parties -------------------------------------------------------------------------------------------------

    /** Carol, the transfer target, behind route carol (and the PSTN route). */
    private static Sipp target(final String scenario, final Path dir)
    {
        return Sipp.uas(scenario, dir).globalTimeout(SIPP_BOUND);
    }

    /** Bob, the callee, behind route bob; transfers (when it is the transferor) to carol. */
    private static Sipp callee(final String scenario, final Path dir)
    {
        return Sipp.uas(scenario, dir).key("target", "carol").globalTimeout(SIPP_BOUND);
    }

    /** Alice, the caller, calling bob through Referee; transfers (when it is the transferor) to carol. */
    private Sipp caller(final String scenario, final Path dir)
    {
        return Sipp.uac(scenario, dir).remote(referee.sipPort()).service("bob").key("target", "carol")
            .globalTimeout(SIPP_BOUND);
    }

    private static Path dir(final TestInfo test) throws IOException
    {
        return workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test"));
    }

    private void assertNoCallLeft()
    {
        final RefereeStatus status = referee.awaitCallsEnded(CALLS_END_WITHIN);
        assertEquals(0, status.activeCalls(), status::raw);
        assertEquals(0, status.dialogs(), status::raw);
    }

    private static String safeStatus(final RefereeProcess referee)
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
