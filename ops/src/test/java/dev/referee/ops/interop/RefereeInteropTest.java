package dev.referee.ops.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Referee against SIPp: for each test a SIPp callee behind route {@code bob} (UDP) / {@code bobtcp} (TCP), its own
 * Referee process (the packaged jar, fresh journal) started once the callee has reported its port, and a SIPp
 * caller sending to Referee. Each test checks that every call succeeded on both sides, that Referee holds no call
 * or dialog afterwards, and that {@code referee journal replay} reproduces the test's journal exactly; one test
 * checks that the transactions drain too (UDP server transactions linger up to Timer J = 64*T1 = 32 s). No test
 * depends on another or on their order.
 */
@Tag("interop")
class RefereeInteropTest
{
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(15);
    /** Timer J (64*T1 = 32 s) for UDP non-INVITE server transactions, plus slack. */
    private static final Duration TRANSACTIONS_END_WITHIN = Duration.ofSeconds(40);
    private static final Duration TCP_TRANSACTIONS_END_WITHIN = Duration.ofSeconds(5);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static RefereeProcess current;
    private RefereeProcess referee;

    @BeforeAll
    static void requireSipp() throws IOException
    {
        Sipp.binary(); // fails naming sip-tester when SIPp is missing
        workDir = DUMP.workDir("referee-interop-");
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

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteFiveHundredTcpCalls(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-then-wait-bye.xml", "uac-basic-call.xml", SippTransport.TCP, "bobtcp", 500, 100, 100,
            Duration.ofSeconds(60));

        // Over TCP the transactions have no Timer J/K/D wait (and this Referee has seen no UDP call).
        referee.awaitIdle(TCP_TRANSACTIONS_END_WITHIN);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteTwoThousandUdpCallsAtTwoHundredPerSecond(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-then-wait-bye.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 2_000, 200, 100,
            Duration.ofSeconds(60));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayCancelBeforeAnswer(final TestInfo test) throws IOException
    {
        runPair(test,
            "uas-ring-then-expect-cancel.xml", "uac-cancel-before-answer.xml", SippTransport.UDP, "bob", 10, 10,
            0, Duration.ofSeconds(30));
    }

    /**
     * {@code journal.outputs: digest}, the default, on a real node: SIPp calls through it, and the journal keeps of
     * each message Referee sent a digest only. Its replay rebuilds every message and checks it against its digest, and `journal
     * pcap` writes a call's messages both ways, Referee's INVITE to the callee and the relayed answers among them.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldReplayAndExportAJournalThatKeepsDigestsOfTheMessagesSent(final TestInfo test) throws IOException
    {
        final Path dir = workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test"));
        final int calls = 20;
        final Duration bound = Duration.ofSeconds(30);
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", dir).calls(calls)
            .globalTimeout(bound).start()))
        {
            referee = RefereeProcess.startWithJournal(Files.createDirectories(dir.resolve("referee")),
                callee.localPort(), "");
            current = referee;
            try (SippRun caller = DUMP.track(Sipp.uac("uac-basic-call.xml", dir).remote(referee.sipPort())
                .service("bob").calls(calls).rate(10).limit(10).holdMs(100).globalTimeout(bound).start()))
            {
                caller.awaitResult(bound.plusSeconds(10)).assertAllSucceeded(calls);
                callee.awaitResult(Duration.ofSeconds(30)).assertAllSucceeded(calls);
            }
        }
        referee.awaitCallsEnded(CALLS_END_WITHIN);
        final String tail = JournalTool.run(referee.journalDir(), "tail", "--from-start", "--count", "100",
            "--no-ticks");
        assertTrue(tail.contains("output-digest") && !tail.contains("output-sip"), tail);
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);

        final String listed = JournalTool.run(referee.journalDir(), "calls");
        final String callId = listed.lines().filter(line -> line.contains("  call ")).findFirst()
            .orElseThrow(() -> new AssertionError("no call listed: " + listed)).split("  call ")[1].split(" ")[0];
        final Path pcap = dir.resolve("call-" + callId + ".pcap");
        final String wrote = JournalTool.run(referee.journalDir(), "pcap", callId, "-o", pcap.toString());
        final String tshark = dev.referee.ops.journal.DebianTools.ensure("tshark", "tshark");
        assertTrue(tshark != null, "tshark is missing and could not be installed (apt-get install tshark)");
        final dev.referee.ops.journal.DebianTools.Result read = dev.referee.ops.journal.DebianTools.run(
            java.util.List.of(tshark, "-r", pcap.toString(), "-T", "fields", "-e", "udp.dstport", "-e", "sip.Method",
                "-e", "sip.Status-Code"), 120);
        assertEquals(0, read.exitCode(), read.output());
        final java.util.List<String> rows = read.output().lines().filter(row -> row.matches("\\d+\t.*")).toList();
        assertTrue(wrote.startsWith("wrote " + rows.size() + " packets"), wrote + read.output());
        final String toCallee = callee(rows, referee);
        assertTrue(rows.contains(toCallee + "\tINVITE\t"), "Referee's INVITE to the callee: " + read.output());
        assertTrue(rows.contains(referee.sipPort() + "\tINVITE\t"), "the caller's INVITE: " + read.output());
        for (final String method : new String[]{ "ACK", "BYE" })
        {
            assertTrue(rows.contains(toCallee + "\t" + method + "\t"), method + " to the callee: " + read.output());
        }
        assertTrue(rows.stream().filter(row -> row.endsWith("\t200") && !row.startsWith(referee.sipPort() + "\t"))
            .count() >= 2, "200s Referee sent the caller: " + read.output());
    }

    /** The callee's port in the pcap's rows: where Referee sent its INVITE (the one not sent to Referee). */
    private static String callee(final java.util.List<String> rows, final RefereeProcess referee)
    {
        return rows.stream().filter(row -> row.endsWith("\tINVITE\t") &&
            !row.startsWith(referee.sipPort() + "\t")).map(row -> row.split("\t")[0]).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE sent by Referee: " + rows));
    }

    /**
     * Two forks of the callee answer each INVITE, the second once the first is acknowledged (issue 12): the call goes
     * on with the first; the second's dialog is acknowledged and released with BYE at once, before the caller hangs
     * up after its 500 ms (the callee scenario checks the To tag of each ACK and BYE).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReleaseTheSecondForkThatAnswers(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-from-two-forks.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 10, 10, 500,
            Duration.ofSeconds(30));
    }

    /**
     * Reliable provisionals (RFC 3262, issue 12) on each leg: the callee requires 100rel and gets Referee's PRACK for
     * its 183 (its scenario checks the RAck); the caller, which supports 100rel, gets the 183 reliably with the early
     * answer, PRACKs it and gets 200 (its scenario checks Require, RSeq and the SDP), then 200, ACK and BYE.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAcknowledgeReliableProvisionalsOnEachLeg(final TestInfo test) throws IOException
    {
        runPair(test, "uas-reliable-183-expect-prack.xml", "uac-100rel-prack-reliable-183.xml", SippTransport.UDP,
            "bob", 10, 10, 0, Duration.ofSeconds(30));
        final RefereeStatus status = referee.status();
        assertEquals(10, status.counter("pracksSent"), status::raw);
        assertEquals(10, status.counter("pracksReceived"), status::raw);
        assertEquals(0, status.counter("neverAcknowledged"), status::raw);
    }

    /** A caller without 100rel: the callee's reliable 183 is still acknowledged by Referee, and relayed as it was. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAcknowledgeTheCalleesReliableProvisionalForACallerWithout100rel(final TestInfo test) throws IOException
    {
        runPair(test, "uas-reliable-183-expect-prack.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
        final RefereeStatus status = referee.status();
        assertEquals(10, status.counter("pracksSent"), status::raw);
        assertEquals(0, status.counter("pracksReceived"), status::raw);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayBusyHere(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-486.xml", "uac-expect-486.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayByeFromCallee(final TestInfo test) throws IOException
    {
        runPair(test, "uas-bye-from-callee.xml", "uac-expect-bye-from-callee.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayHoldAndUnholdFromCaller(final TestInfo test) throws IOException
    {
        runPair(test, "uas-accept-hold-unhold.xml", "uac-hold-unhold.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    /**
     * Session timers (RFC 4028), two callers side by side through one Referee (each case waits out the 60 s an
     * unrefreshed session gets; side by side they take the suite 70 s less): the first asks for 90 s and refreshes
     * itself, its 200 says so (checked by the scenario) and its re-INVITE 40 s in keeps the call past 60 s; the second
     * never refreshes, and Referee ends its call with BYE to both sides 60 s after the answer.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldKeepACallWhoseCallerRefreshesItsSessionAndEndOneWhoseRefreshDoesNotCome(final TestInfo test)
        throws IOException
    {
        final Path dir = workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test"));
        final Duration bound = Duration.ofSeconds(120);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int refreshedPort = parties.start(Sipp.uas("uas-answer-refresh-then-wait-bye.xml",
                dir.resolve("refreshed-callee")).calls(2).globalTimeout(bound), 2).localPort();
            final int expiringPort = parties.start(Sipp.uas("uas-answer-then-wait-bye-of-session-expiry.xml",
                dir.resolve("expiring-callee")).calls(2).globalTimeout(bound), 2).localPort();
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), refreshedPort,
                java.util.Map.of("expiring", expiringPort));
            current = referee;
            parties.start(Sipp.uac("uac-session-timer-refresh.xml", dir.resolve("refreshing-caller"))
                .remote(referee.sipPort()).service("bob").calls(2).rate(2).globalTimeout(bound), 2);
            parties.start(Sipp.uac("uac-session-timer-expect-bye.xml", dir.resolve("silent-caller"))
                .remote(referee.sipPort()).service("expiring").calls(2).rate(2).globalTimeout(bound), 2);
            parties.assertAllSucceeded(bound.plusSeconds(10));
        }
        referee.awaitCallsEnded(CALLS_END_WITHIN);
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
    }

    /**
     * RFC 4028 §7.4: the callee answers Referee's INVITE (Session-Expires: 1800) with 422 and Min-SE: 3600; Referee asks
     * it again itself with Session-Expires and Min-SE 3600 (checked by the callee's scenario) and the caller, which
     * fails on any 4xx, sees only the 200.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAskACalleeAgainWithTheMinSeOfIts422(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-422-then-200.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRelayHoldAndUnholdFromCallee(final TestInfo test) throws IOException
    {
        runPair(test,
            "uas-hold-unhold-from-callee.xml", "uac-accept-hold-unhold.xml", SippTransport.UDP, "bob", 10, 10, 0,
            Duration.ofSeconds(30));
    }

    /**
     * The caller loses 10% of what it sends and receives (lost="10"); its lost INVITEs and BYEs are retransmitted
     * by SIPp, its lost 200s and ACKs must be recovered by Referee retransmitting the 2xx on the caller's leg
     * and absorbing retransmitted requests in its transactions. The callee tolerates retransmissions.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCompleteCallThroughRetransmissionsWithTenPercentLoss(final TestInfo test) throws IOException
    {
        runPair(test,
            "uas-answer-tolerate-retransmissions.xml", "uac-basic-call-lossy.xml", SippTransport.UDP, "bob", 20,
            5, 0, Duration.ofSeconds(90));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldHoldNoCallDialogOrTransactionOnceAllCallsHaveEnded(final TestInfo test) throws IOException
    {
        runPair(test, "uas-answer-then-wait-bye.xml", "uac-basic-call.xml", SippTransport.UDP, "bob", 50, 50, 0,
            Duration.ofSeconds(30));

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
     * Starts the callee, then a Referee routing to the port it reported, then the caller toward Referee; both must
     * complete every call, Referee must hold no call or dialog afterwards, and {@code referee journal replay} (from
     * the jar, while Referee still runs) must reproduce every output and event of the test's journal.
     */
    private void runPair(
        final TestInfo test,
        final String calleeScenario,
        final String callerScenario,
        final SippTransport transport,
        final String user,
        final int calls,
        final int ratePerSecond,
        final long holdMs,
        final Duration bound) throws IOException
    {
        final Path dir = workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test"));
        try (SippRun callee = DUMP.track(Sipp.uas(calleeScenario, dir).transport(transport)
                .calls(calls).globalTimeout(bound).start()))
        {
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), callee.localPort());
            current = referee;
            try (SippRun caller = DUMP.track(Sipp.uac(callerScenario, dir)
                .remote(transport == SippTransport.TCP ? referee.tcpPort() : referee.sipPort()).service(user)
                .transport(transport).calls(calls).rate(ratePerSecond).limit(Math.max(10, ratePerSecond))
                .holdMs(holdMs).globalTimeout(bound).start()))
            {
                final SippResult callerResult = caller.awaitResult(bound.plusSeconds(10));
                // A callee may linger after its last BYE (uas-answer-tolerate-retransmissions: 16 s).
                final SippResult calleeResult = callee.awaitResult(Duration.ofSeconds(30));

                callerResult.assertAllSucceeded(calls);
                calleeResult.assertAllSucceeded(calls);
            }
        }
        referee.awaitCallsEnded(CALLS_END_WITHIN);
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        assertTrue(replay.startsWith("replay OK: "), replay);
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
