package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
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
 * Routes with more than one target against real peers (issue 12, docs/routing.md): a target answering 503 is passed
 * over for the next within the same call, and keepalive OPTIONS tell a target that answers from one that does not.
 * SIP timers are shortened (T1 = 100 ms: Timer F is 6.4 s) so that a silent target is found down within the test.
 */
@Tag("interop")
class RouteTargetsInteropTest
{
    private static final Duration BOUND = Duration.ofSeconds(40);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private Path workDir;
    private RefereeProcess referee;

    @BeforeEach
    void makeWorkDir() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-route-targets-interop-");
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
    void shouldPassOverATargetAnswering503AndFindASilentTargetDown() throws Exception
    {
        final int silentPort = unusedUdpPort();
        try (SippParties parties = new SippParties(DUMP);
            SippRun upTarget = DUMP.track(Sipp.uas("uas-answer-options.xml", workDir).calls(1_000)
                .globalTimeout(Duration.ofSeconds(60)).start()))
        {
            final SippRun outOfService = parties.start(
                Sipp.uas("uas-answer-503.xml", workDir).calls(1).globalTimeout(BOUND), 1);
            final SippRun bob = parties.start(
                Sipp.uas("uas-answer-then-wait-bye.xml", workDir).calls(1).globalTimeout(BOUND), 1);
            final String pool = "    targets:\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + outOfService.localPort() + "\", priority: 1}\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + bob.localPort() + "\", priority: 2}\n";
            final String watched = "    keepalive: 1s\n    targets:\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + upTarget.localPort() + "\"}\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + silentPort + "\"}\n";
            referee = RefereeProcess.start(workDir, bob.localPort(), List.of(
                new RefereeProcess.Route("pool", 0, pool), new RefereeProcess.Route("watched", 0, watched)),
                "sip:\n  t1-ms: 100\nwarm-up:\n  calls: 0\n");
            DUMP.always(() -> "--- Referee " + referee.logFile() + ":\n" + referee.logTail(40) + "\n--- /status: " +
                referee.status().raw());

            // The caller's one call: the first target's 503 is acknowledged there and never reaches the caller.
            parties.start(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort()).service("pool")
                .calls(1).globalTimeout(BOUND), 1);
            parties.assertAllSucceeded(BOUND);

            final String up = "udp:" + Ports.LOOPBACK + ":" + upTarget.localPort();
            final String silent = "udp:" + Ports.LOOPBACK + ":" + silentPort;
            assertTrue(Ports.await(() -> upFlag(silent) == 0 && upFlag(up) == 1, Duration.ofSeconds(20)),
                () -> "the silent target down, the answering one up: " + referee.status().raw());
            final String status = referee.status().raw();
            assertTrue(Pattern.compile("\"" + Pattern.quote(silent) + "\":\\{\"up\":0,\"pings\":[1-9][0-9]*," +
                "\"wentDown\":1").matcher(status).find(), status);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldPassOverATcpTargetThatRefusesTheConnectionAtOnce() throws Exception
    {
        final int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK)))
        {
            closedPort = probe.getLocalPort(); // refused once closed: the kernel answers the SYN with a reset
        }
        try (SippParties parties = new SippParties(DUMP))
        {
            final SippRun bob = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .transport(SippTransport.TCP).calls(1).globalTimeout(BOUND), 1);
            final String pool = "    targets:\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + closedPort + ";transport=tcp\", priority: 1}\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + bob.localPort() + ";transport=tcp\", priority: 2}\n";
            // T1 at its default (500 ms): Timer B would pass over the dead target only after 32 s.
            referee = RefereeProcess.start(workDir, bob.localPort(), List.of(new RefereeProcess.Route("pool", 0, pool)),
                "warm-up:\n  calls: 0\n");
            DUMP.always(() -> "--- Referee " + referee.logFile() + ":\n" + referee.logTail(40));

            final long start = System.nanoTime();
            parties.start(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort()).service("pool")
                .calls(1).globalTimeout(BOUND), 1);
            parties.assertAllSucceeded(BOUND);
            final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs < 10_000, "answered by the second target in " + elapsedMs + " ms, not after Timer B");
            assertEquals(1, referee.status().counter("connectFailures"), referee.status().raw());
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldPassOverAUdpTargetWhosePortIsClosedAtOnce() throws Exception
    {
        final int closedPort = unusedUdpPort(); // the kernel answers with ICMP port unreachable
        try (SippParties parties = new SippParties(DUMP))
        {
            final SippRun bob = parties.start(
                Sipp.uas("uas-answer-then-wait-bye.xml", workDir).calls(1).globalTimeout(BOUND), 1);
            final String pool = "    targets:\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + closedPort + "\", priority: 1}\n" +
                "      - {target: \"" + Ports.LOOPBACK + ":" + bob.localPort() + "\", priority: 2}\n";
            referee = RefereeProcess.start(workDir, bob.localPort(), List.of(new RefereeProcess.Route("pool", 0, pool)),
                "warm-up:\n  calls: 0\n");
            DUMP.always(() -> "--- Referee " + referee.logFile() + ":\n" + referee.logTail(40));

            final long start = System.nanoTime();
            parties.start(Sipp.uac("uac-basic-call.xml", workDir).remote(referee.sipPort()).service("pool")
                .calls(1).globalTimeout(BOUND), 1);
            parties.assertAllSucceeded(BOUND);
            final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs < 10_000, "answered by the second target in " + elapsedMs + " ms, not after Timer B");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    /** A UDP port nothing listens on (bound, then released). */
    private static int unusedUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName(Ports.LOOPBACK)))
        {
            return socket.getLocalPort();
        }
    }

    /** The target's "up" in /status: 1, 0, or -1 when not listed. */
    private int upFlag(final String target)
    {
        final Matcher matcher = Pattern.compile("\"" + Pattern.quote(target) + "\":\\{\"up\":([01])")
            .matcher(referee.status().raw());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }
}
