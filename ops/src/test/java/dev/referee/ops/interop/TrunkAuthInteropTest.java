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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Digest authentication per trunk against SIPp (issue 7): 127.0.0.2 is the trunk "carrier" with {@code auth}, the SIPp
 * callee on 127.0.0.1 the trunk "callee". SIPp answers the 407 with its {@code [authentication]} (-au/-ap). SIPp 3.6.1
 * answers only the first challenge and knows only MD5, so the trunk offers {@code algorithms: [MD5]}; SHA-256 is
 * covered by the engine tests against the RFC 7616 vectors.
 */
@Tag("interop")
class TrunkAuthInteropTest
{
    static final String CARRIER = "127.0.0.2";
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String USER = "referee-trunk";
    private static final String PASSWORD = "interop-pw-1";
    private static final String TRUNKS_YAML =
        "trunks:\n" +
        "  - name: \"carrier\"\n" +
        "    sources: [\"" + CARRIER + "\"]\n" +
        "    auth: {realm: \"carrier.example\", user: \"" + USER + "\", password: \"" + PASSWORD + "\", " +
        "algorithms: [MD5]}\n" +
        "  - name: \"callee\"\n" +
        "    sources: [\"" + Ports.LOOPBACK + "\"]\n" +
        "    flood: false\n" +
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
        workDir = DUMP.workDir("referee-auth-interop-");
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
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldConnectCallsThatAnswerTheChallengeAndChallengeAWrongPasswordAgain() throws IOException
    {
        final int calls = 3;
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(calls).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP))
        {
            referee = RefereeProcess.start(workDir, callee.localPort(), List.of(), TRUNKS_YAML);
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(40) + "\n--- /status: " + referee.status().raw());
            callers.start(Sipp.uac("uac-call-with-proxy-auth.xml", workDir).localIp(CARRIER)
                .remote(referee.sipPort()).service("bob").calls(calls).rate(10).globalTimeout(BOUND)
                .arg("-au", USER, "-ap", PASSWORD), calls);
            callers.start(Sipp.uac("uac-wrong-password-expect-407.xml", workDir).localIp(CARRIER)
                .remote(referee.sipPort()).service("bob").calls(1).globalTimeout(BOUND)
                .arg("-au", USER, "-ap", "not-the-password"), 1);
            callers.assertAllSucceeded(BOUND);
            // Only the authenticated calls reached the callee, and each connected.
            callee.awaitResult(BOUND).assertAllSucceeded(calls);
        }
        final RefereeStatus status = referee.status();
        // One challenge per call, two for the wrong password (its first INVITE and its wrong answer).
        assertEquals(calls + 2, status.counter("authChallenged"), status.raw());
        assertEquals(1, status.counter("authFailed"), status.raw());
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }
}
