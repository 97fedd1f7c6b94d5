package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
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
 * Media across a crash (issue 10, "Determinism and failover"): 20 SIPp calls through Referee with media anchored, each
 * caller streaming RTP every 20 ms to the relay and each callee echoing it back (SIPp {@code -rtp_echo}); Referee is
 * killed with SIGKILL and started again on its journal. It rebuilds the calls and their port pairs from the journal
 * (the allocations replay to the same ports), opens the same ports again before it answers, and the RTP the parties
 * never stopped sending flows through the relay again; then every call ends normally.
 */
@Tag("interop")
class MediaRecoveryInteropTest
{
    private static final int CALLS = 20;
    /** Long enough to establish the calls, kill Referee and restart it (up to 10 s) with RTP flowing after it. */
    private static final long HOLD_MS = 25_000;
    private static final Duration BOUND = Duration.ofSeconds(60);
    /** Packets the relay must forward after the restart: two seconds of 20 calls, one way, at 50 a second. */
    private static final long RELAYED_AFTER_RESTART = 2 * CALLS * 50;
    private static final int LOW_PORT = 24_600;
    private static final int HIGH_PORT = 24_799;

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private RefereeProcess referee;

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRelayTheCallsRtpAgainOnTheSamePortsAfterKillNine() throws IOException
    {
        final Path dir = DUMP.workDir("referee-media-recovery-");
        // 160 bytes of u-law per 20 ms packet: any bytes will do, the relay does not decode them.
        final byte[] audio = new byte[160 * 50];
        for (int i = 0; i < audio.length; i++)
        {
            audio[i] = (byte)(0x7f - (i % 32));
        }
        Files.write(dir.resolve("rtp-stream.ulaw"), audio);
        // SIPp's echo port must be given: one in no other test's range (Referee's media ports here: 24600-24799).
        final int echoPort = 24_900;
        try (SippRun callee = DUMP.track(Sipp.uas("uas-hold-until-bye.xml", dir).transport(SippTransport.UDP)
            .calls(CALLS).globalTimeout(BOUND).arg("-rtp_echo", "-mp", Integer.toString(echoPort)).start()))
        {
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), callee.localPort(),
                List.of(), RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
            DUMP.always(referee::describe);
            try (SippRun caller = DUMP.track(Sipp.uac("uac-rtp-then-bye.xml", dir).remote(referee.sipPort())
                .service("bob").transport(SippTransport.UDP).calls(CALLS).rate(CALLS).limit(CALLS).holdMs(HOLD_MS)
                .globalTimeout(BOUND).start()))
            {
                assertTrue(Ports.await(() -> referee.status().activeCalls() == CALLS &&
                    referee.status().counter("relayed") >= RELAYED_AFTER_RESTART, Duration.ofSeconds(10)),
                    () -> "calls up with RTP relayed: " + referee.status().raw());
                final List<Integer> portsBefore = boundUdpPorts(LOW_PORT, HIGH_PORT);
                assertEquals(4 * CALLS, portsBefore.size(), () -> "RTP and RTCP of two legs a call: " + portsBefore);

                referee.kill9();
                referee.restart();
                final RefereeStatus recovered = referee.status();
                assertEquals(CALLS, recovered.activeCalls(), () -> "calls rebuilt: " + recovered.raw());
                assertEquals(2L * CALLS, recovered.counter("pairsInUse"), recovered::raw);
                assertTrue(Ports.await(() -> referee.status().counter("relayed") >= RELAYED_AFTER_RESTART,
                    Duration.ofSeconds(8)), () -> "RTP relayed again after the restart: " + referee.status().raw());
                assertEquals(portsBefore, boundUdpPorts(LOW_PORT, HIGH_PORT), "the same ports as before the crash");

                caller.awaitResult(BOUND.plusSeconds(10)).assertAllSucceeded(CALLS);
            }
            callee.awaitResult(Duration.ofSeconds(20)).assertAllSucceeded(CALLS);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
        assertTrue(Ports.await(() -> boundUdpPorts(LOW_PORT, HIGH_PORT).isEmpty(), Duration.ofSeconds(10)),
            () -> "every pair closed once the calls ended: " + boundUdpPorts(LOW_PORT, HIGH_PORT));
    }

    /** The UDP ports bound on this machine in [low, high], sorted (/proc/net/udp: only the relay binds that range). */
    private static List<Integer> boundUdpPorts(final int low, final int high)
    {
        try
        {
            return Files.readAllLines(Path.of("/proc/net/udp")).stream().skip(1)
                .map(line -> line.trim().split("\\s+")[1])
                .map(local -> Integer.parseInt(local.substring(local.indexOf(':') + 1), 16))
                .filter(port -> port >= low && port <= high).sorted().distinct().toList();
        }
        catch (final IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
