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

/**
 * What crosses from one leg to the other between real peers (issue 7, docs/security.md "What crosses"). The SIPp
 * caller sends an INVITE with Diversion, History-Info, its own User-Agent, P-Asserted-Identity and Privacy, an X- and
 * a P- header, and a BYE with a Reason; the SIPp callee (127.0.0.1, a trusted trunk) checks with {@code <ereg>}
 * which arrived, and answers with a Server of its own that the caller must not see. From 127.0.0.2, an untrusted
 * trunk without pass-headers: only the allow-list crosses. From 127.0.0.3, a trusted trunk passing Diversion and
 * P-Foo: the identity crosses too, and those two. Both ways, exactly one User-Agent and one Server, Referee's.
 */
@Tag("interop")
class WhatCrossesInteropTest
{
    private static final String CARRIER = "127.0.0.2";
    private static final String PBX = "127.0.0.3";
    private static final int CALLS = 3;
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String TRUNKS =
        "trunks:\n" +
        "  - name: \"carrier\"\n" +
        "    sources: [\"" + CARRIER + "\"]\n" +
        "  - name: \"pbx\"\n" +
        "    sources: [\"" + PBX + "\"]\n" +
        "    trusted: true\n" +
        "    pass-headers: [\"Diversion\", \"p-foo\"]\n" +
        "  - name: \"callee\"\n" +
        "    sources: [\"" + Ports.LOOPBACK + "\"]\n" +
        "    trusted: true\n" +
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
        workDir = DUMP.workDir("referee-crossing-interop-");
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
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldPassOnlyTheAllowListFromAnUntrustedTrunk()
    {
        call(CARRIER, "uas-expect-headers-from-untrusted-trunk.xml");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldPassIdentityAndListedHeadersFromATrustedTrunk()
    {
        call(PBX, "uas-expect-headers-from-trusted-trunk.xml");
    }

    /** {@link #CALLS} calls from {@code callerIp} to a callee running {@code calleeScenario}: all must succeed. */
    private void call(final String callerIp, final String calleeScenario)
    {
        try (SippRun callee = DUMP.track(Sipp.uas(calleeScenario, workDir).calls(CALLS).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP))
        {
            referee = RefereeProcess.start(workDir, callee.localPort(), List.of(), TRUNKS);
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(40));
            callers.start(Sipp.uac("uac-call-with-border-headers.xml", workDir).localIp(callerIp)
                .remote(referee.sipPort()).service("bob").calls(CALLS).rate(10).globalTimeout(BOUND), CALLS);
            callers.assertAllSucceeded(BOUND);
            callee.awaitResult(BOUND).assertAllSucceeded(CALLS);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(10));
    }
}
