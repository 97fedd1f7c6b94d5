package dev.referee.ops.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transfers and call moves that name dialogs (RFC 3891 Replaces) and redirects, against SIPp parties over UDP:
 * attended and blonde transfer (REFER whose Refer-To carries Replaces naming the consultation call, RFC 5589 §7.1),
 * 302 followed by Referee, and pickup by an INVITE with Replaces. A fresh Referee for each test, so that one flow
 * that leaves a call behind cannot spoil the next. Routes: bob (the callee), carol (the transfer target), dave (the
 * redirect target).
 */
@Tag("interop")
class ReplacesAndRedirectInteropTest
{
    private static final Duration CALLS_END_WITHIN = Duration.ofSeconds(15);
    private static final Duration SIPP_BOUND = Duration.ofSeconds(30);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static Path workDir;
    private static RefereeProcess current;
    private RefereeProcess referee;

    @BeforeAll
    static void requireSipp() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-replaces-interop-");
        DUMP.always(() -> current == null ? "(no Referee)" : "--- Referee (pid " + current.pid() + ") "
            + current.logFile() + ":\n" + current.logTail(80) + "\n--- /status: " + safeStatus(current));
    }

    /** Referee for one test, started once its callees have reported their ports. */
    private void startReferee(final TestInfo test, final int bobPort, final int carolPort, final int davePort)
        throws IOException
    {
        referee = RefereeProcess.start(Files.createDirectories(dir(test).resolve("referee")), bobPort, List.of(
            new RefereeProcess.Route("carol", carolPort),
            new RefereeProcess.Route("dave", davePort)), "");
        current = referee;
    }

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    /**
     * Alice calls Bob, calls Carol (the consultation, answered), then REFERs Bob to Carol with Replaces naming the
     * consultation dialog as she sees it. Referee must join Bob to Carol's existing leg (Carol gets a re-INVITE, no
     * new INVITE), report "SIP/2.0 200 OK" in the last NOTIFY, and release both of Alice's legs.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldJoinTheTransfereeToTheTargetsLegInAnAttendedTransfer(final TestInfo test) throws IOException
    {
        runTransferWithReplaces(test, "uac-consult-target-then-refer-with-replaces.xml", 0);
    }

    /**
     * The other direction: Alice REFERs Carol, on the consultation dialog, to Bob with Replaces naming the original
     * dialog. Referee must join Carol to Bob's existing leg and release the original leg.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldJoinTheTargetToTheTransfereesLegWhenTheTargetIsReferredToTheOriginalDialog(final TestInfo test)
        throws IOException
    {
        runTransferWithReplaces(test, "uac-consult-target-then-refer-target-with-replaces.xml", 0);
    }

    /** The same while the consultation call still rings: the transferee is joined when Carol answers. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldJoinTheTransfereeWhenTheTargetAnswersInABlondeTransfer(final TestInfo test) throws IOException
    {
        runTransferWithReplaces(test, "uac-consult-ringing-target-then-refer-with-replaces.xml", 1500);
    }

    /** Bob answers 302 with Contact dave: Referee calls Dave itself; Alice only ever sees Dave's 200. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFollowARedirectWithoutTheCallerSeeingIt(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int davePort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir)
                .globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-redirect-302.xml", dir)
                .key("redirect_to", "sip:dave@" + Ports.LOOPBACK + ":" + davePort).globalTimeout(SIPP_BOUND), 1)
                .localPort();
            startReferee(test, bobPort, RefereeProcess.NO_PARTY, davePort);
            // uac-basic-call accepts only 100/180/183/200 before its ACK: a relayed 302 would fail it.
            parties.start(Sipp.uac("uac-basic-call.xml", dir).remote(referee.sipPort()).service("bob").holdMs(200)
                .globalTimeout(SIPP_BOUND), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    /**
     * Alice calls Bob, who only rings; Dave sends Referee an INVITE with Replaces (early-only) naming Bob's ringing
     * leg as Bob has it (Referee's Call-ID and From tag, Bob's To tag, read from Bob's message trace). Bob's leg is
     * cancelled, Alice gets Dave's 200 and Dave's BYE.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldLetAThirdPhonePickUpARingingCall(final TestInfo test) throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final Sipp bobSpec = Sipp.uas("uas-ring-then-expect-cancel.xml", dir).traceMessages()
                .globalTimeout(SIPP_BOUND);
            startReferee(test, parties.start(bobSpec, 1).localPort(), RefereeProcess.NO_PARTY,
                RefereeProcess.NO_PARTY);
            parties.start(Sipp.uac("uac-call-ringing-then-picked-up.xml", dir).remote(referee.sipPort())
                .service("bob").globalTimeout(SIPP_BOUND), 1);

            final SippTrace.RingingDialog ringing = SippTrace.awaitRinging(bobSpec.messageFile());
            parties.start(Sipp.uac("uac-pickup-with-replaces.xml", dir).remote(referee.sipPort()).service("bob")
                .key("replaces_callid", ringing.callId()).key("replaces_fromtag", ringing.fromTag())
                .key("replaces_totag", ringing.toTag()).globalTimeout(SIPP_BOUND), 1);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    private void runTransferWithReplaces(final TestInfo test, final String transferorScenario, final long ringMs)
        throws IOException
    {
        final Path dir = dir(test);
        try (SippParties parties = new SippParties(DUMP))
        {
            final int carolPort = parties.start(
                Sipp.uas("uas-answer-consultation-then-accept-join-reinvite-then-wait-bye.xml", dir)
                .arg("-d", Long.toString(ringMs)).globalTimeout(SIPP_BOUND), 1).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-accept-join-reinvite-then-bye.xml", dir)
                .globalTimeout(SIPP_BOUND), 1).localPort();
            startReferee(test, bobPort, carolPort, RefereeProcess.NO_PARTY);
            // Two calls of one SIPp: the call to Bob and the consultation to Carol, sharing Global variables. The
            // Call-ID has no '@' because it goes unescaped into the Refer-To's Replaces.
            parties.start(Sipp.uac(transferorScenario, dir).remote(referee.sipPort()).service("bob")
                .key("target", "carol").calls(2).rate(2).limit(2).arg("-cid_str", "%u-%p-xfer")
                .globalTimeout(SIPP_BOUND), 2);
            parties.assertAllSucceeded(SIPP_BOUND);
        }
        assertNoCallLeft();
    }

    private void assertNoCallLeft()
    {
        final RefereeStatus status = referee.awaitCallsEnded(CALLS_END_WITHIN);
        assertEquals(0, status.activeCalls(), status::raw);
        assertEquals(0, status.dialogs(), status::raw);
    }

    private static Path dir(final TestInfo test)
    {
        return workDir.resolve(test.getTestMethod().map(m -> m.getName()).orElse("test"));
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
