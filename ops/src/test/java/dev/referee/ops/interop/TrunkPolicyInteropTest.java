package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trunk call policy against real peers on other loopback addresses (issue 7): 127.0.0.2 is the trunk "pbx" with
 * {@code limits.cps: 5}, the SIPp callee on 127.0.0.1 the trunk "callee", 127.0.0.3 the trunk "other" (which allows
 * pickup among its own phones: not of others' calls). One Referee per test, started after its port-0 callee. Also
 * who may touch a dialog: a third host that learnt a call's identifiers can neither end it, nor re-INVITE it, nor
 * transfer it.
 */
@Tag("interop")
class TrunkPolicyInteropTest
{
    static final String PBX = "127.0.0.2";
    static final String OTHER = "127.0.0.3";
    private static final Duration BOUND = Duration.ofSeconds(25);
    private static final Pattern CALL_ID = Pattern.compile("(?m)^Call-ID:\\s*(\\S+)");
    private static final Pattern FROM_TAG = Pattern.compile("(?m)^From:.*;tag=([^;>\\s]+)");
    private static final Pattern TO_TAG = Pattern.compile("(?m)^To:.*;tag=([^;>\\s]+)");
    private static final String TRUNKS_YAML =
        "trunks:\n" +
        "  - name: \"pbx\"\n" +
        "    sources: [\"" + PBX + "\"]\n" +
        "    limits:\n" +
        "      cps: 5\n" +
        "      retry-after: 2s\n" +
        "  - name: \"callee\"\n" +
        "    sources: [\"" + Ports.LOOPBACK + "\"]\n" +
        "    flood: false\n" +
        "  - name: \"other\"\n" +
        "    sources: [\"" + OTHER + "\"]\n" +
        "    allow-pickup: true\n" +
        "security:\n" +
        "  unknown-sources: reject\n" +
        "warm-up:\n" +
        "  calls: 0\n";

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private Path workDir;
    private RefereeProcess referee;

    @BeforeEach
    void makeWorkDir() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-trunk-interop-");
    }

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    private RefereeProcess startReferee(final int calleePort)
    {
        referee = RefereeProcess.start(workDir, calleePort, List.of(), TRUNKS_YAML);
        DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
            referee.logTail(40) + "\n--- /status: " + referee.status().raw());
        return referee;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswer503WithRetryAfterPastTheTrunksCallsPerSecondWhileCallsWithinItConnect() throws IOException
    {
        final int calls = 40;
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(calls).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP))
        {
            startReferee(callee.localPort());
            // 20 calls a second for 2 s against 5 a second: the caller fails a call unless it completes or gets a
            // 503 with Retry-After at the INVITE.
            callers.start(Sipp.uac("uac-basic-call-or-shed.xml", workDir).localIp(PBX).remote(referee.sipPort())
                .service("bob").calls(calls).rate(20).limit(calls).globalTimeout(BOUND), calls);
            callers.assertAllSucceeded(BOUND);

            final RefereeStatus status = referee.status();
            final long refused = status.counter("rateRefused");
            final long connected = calls - refused;
            // A burst of one second's worth (5), then 5 a second for the ~2 s the offer lasts; SIPp's pacing and
            // the machine's load move the edges by a call or two.
            assertTrue(connected >= 5 && connected <= 20, "calls within the rate: " + connected + "; " + status.raw());
            assertEquals(0, status.counter("callLimitRefused"), status.raw());
            Ports.await(() -> successful(callee) == connected, Duration.ofSeconds(15));
            assertEquals(connected, successful(callee), "every call within the rate connected at the callee");
            assertEquals(0, SippResult.column(SippRun.read(callee.statFile()), "FailedCall(C)"));
            System.out.println("trunk cps: " + calls + " calls offered at 20/s to limits.cps 5: " + connected +
                " connected, " + refused + " refused 503 with Retry-After");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseAReplacesHijackFromAThirdHostAndKeepTheCallUp() throws IOException
    {
        try (SippParties parties = new SippParties(DUMP))
        {
            final Sipp bobSpec = Sipp.uas("uas-answer-then-wait-bye.xml", workDir).traceMessages()
                .globalTimeout(BOUND);
            startReferee(parties.start(bobSpec, 1).localPort());
            // The pbx caller talks to Bob for 5 s, then hangs up: its BYE must reach Bob through the call it placed.
            parties.start(Sipp.uac("uac-basic-call.xml", workDir).localIp(PBX).remote(referee.sipPort())
                .service("bob").holdMs(5_000).globalTimeout(BOUND), 1);

            final String trace = awaitAnswered(bobSpec.messageFile());
            final String invite = trace.substring(trace.indexOf("INVITE sip:"));
            final String ok = trace.substring(trace.indexOf("SIP/2.0 200"));
            final SippRun mallory = DUMP.track(Sipp.uac("uac-replaces-expect-403.xml", workDir).localIp(OTHER)
                .remote(referee.sipPort()).service("bob")
                .key("replaces_callid", group(CALL_ID, invite)).key("replaces_fromtag", group(FROM_TAG, invite))
                .key("replaces_totag", group(TO_TAG, ok)).globalTimeout(BOUND).start());
            mallory.awaitResult(BOUND).assertAllSucceeded(1);

            final RefereeStatus during = referee.status();
            assertEquals(1, during.counter("replacesRefused"), during.raw());
            assertEquals(1, during.activeCalls(), "the named call is still up: " + during.raw());
            parties.assertAllSucceeded(BOUND); // the caller's BYE reached Bob; neither saw anything of Mallory
        }
        final RefereeStatus status = referee.awaitCallsEnded(Duration.ofSeconds(15));
        assertEquals(0, status.activeCalls(), status.raw());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseASpoofedByeReInviteAndReferFromAThirdHostAndKeepTheCallUp() throws IOException
    {
        try (SippParties parties = new SippParties(DUMP))
        {
            final Sipp bobSpec = Sipp.uas("uas-answer-then-wait-bye.xml", workDir).traceMessages()
                .globalTimeout(BOUND);
            startReferee(parties.start(bobSpec, 1).localPort());
            parties.start(Sipp.uac("uac-basic-call.xml", workDir).localIp(PBX).remote(referee.sipPort())
                .service("bob").holdMs(5_000).globalTimeout(BOUND), 1);

            // Bob's dialog as Bob has it, spoken from 127.0.0.3 (a trunk, so the receive side lets it in).
            final String trace = awaitAnswered(bobSpec.messageFile());
            final String invite = trace.substring(trace.indexOf("INVITE sip:"));
            final String ok = trace.substring(trace.indexOf("SIP/2.0 200"));
            final String callId = group(CALL_ID, invite);
            final long unexpectedBefore = referee.status().counter("unexpected");
            final SippRun mallory = DUMP.track(Sipp.uac("uac-indialog-spoof-expect-403.xml", workDir).localIp(OTHER)
                .remote(referee.sipPort()).arg("-cid_str", callId).key("dialog_callid", callId)
                .key("dialog_peertag", group(TO_TAG, ok)).key("dialog_reftag", group(FROM_TAG, invite))
                .globalTimeout(BOUND).start());
            mallory.awaitResult(BOUND).assertAllSucceeded(1);

            final RefereeStatus during = referee.status();
            assertEquals(1, during.activeCalls(), "the call is still up: " + during.raw());
            assertTrue(during.counter("unexpected") >= unexpectedBefore + 3, "each forgery reported: " + during.raw());
            // Bob saw nothing of Mallory, and the caller's own BYE still reaches him through the call it placed.
            parties.assertAllSucceeded(BOUND);
        }
        final RefereeStatus status = referee.awaitCallsEnded(Duration.ofSeconds(15));
        assertEquals(0, status.activeCalls(), status.raw());
    }

    private static long successful(final SippRun run)
    {
        return SippResult.column(SippRun.read(run.statFile()), "SuccessfulCall(C)");
    }

    /** Bob's message trace once it has sent its 200 (Referee's INVITE is above it). */
    private static String awaitAnswered(final Path messageFile)
    {
        final String[] trace = {""};
        final boolean answered = Ports.await(() ->
        {
            trace[0] = SippRun.read(messageFile);
            return trace[0].contains("INVITE sip:") && trace[0].contains("SIP/2.0 200");
        }, Duration.ofSeconds(10));
        if (!answered)
        {
            throw new AssertionError("the callee did not answer within 10 s; its trace " + messageFile + ":\n" +
                trace[0]);
        }
        return trace[0];
    }

    private static String group(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        if (!matcher.find())
        {
            throw new AssertionError("no " + pattern + " in:\n" + text);
        }
        return matcher.group(1);
    }
}
