package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capture to Homer (issue 11): Referee sends a HEP v3 copy of every SIP message it receives or sends. Checked with
 * an independent decoder: sngrep listens for HEP and writes a pcap, tshark reads it back, and every message of the
 * calls (both legs, both directions, as SIPp's own traces saw them on the wire) is there with its addresses, ports
 * and Call-ID. And a collector that is down costs the calls nothing: the copies are dropped and counted.
 */
@Tag("interop")
class HepInteropTest
{
    private static final int CALLS = 5;
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String PASSWORD = "s3cret";

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private RefereeProcess referee;
    private SngrepCollector sngrep;

    @BeforeAll
    static void checkSipp()
    {
        Sipp.binary();
    }

    @AfterEach
    void stop()
    {
        if (referee != null)
        {
            referee.close();
        }
        if (sngrep != null)
        {
            sngrep.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldSendEveryMessageOfBothLegsToSngrepOverHep() throws IOException
    {
        final Path dir = DUMP.workDir("referee-hep-");
        sngrep = SngrepCollector.start(dir, PASSWORD);
        DUMP.always(() -> "--- sngrep (pid " + sngrep.pid() + "):\n" + sngrep.logTail());
        final List<SngrepCollector.WireMessage> expected = new ArrayList<>();
        try (SippParties parties = new SippParties(DUMP))
        {
            final Sipp bobSpec = Sipp.uas("uas-answer-then-wait-bye.xml", dir).calls(CALLS).globalTimeout(BOUND)
                .traceMessages();
            final int bobPort = parties.start(bobSpec, CALLS).localPort();
            referee = RefereeProcess.start(dir, bobPort, List.of(), "hep:\n  address: \"" + Ports.LOOPBACK + ":" +
                sngrep.port() + "\"\n  transport: udp\n  agent-id: 2001\n  password: " + PASSWORD + "\n");
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + "):\n" + referee.logTail(60));
            final Sipp aliceSpec = Sipp.uac("uac-basic-call.xml", dir).remote(referee.sipPort()).service("bob")
                .calls(CALLS).rate(10).globalTimeout(BOUND).traceMessages();
            final SippRun alice = parties.start(aliceSpec, CALLS);
            // Read while SIPp runs: its port comes from its open sockets.
            assertTrue(Ports.await(() -> alice.localPort() > 0, Duration.ofSeconds(10)), "caller's port");
            final int alicePort = alice.localPort();
            parties.assertAllSucceeded(BOUND.plusSeconds(10));

            final String refereeAddress = Ports.LOOPBACK + ":" + referee.sipPort();
            expected.addAll(SippTrace.read(aliceSpec.messageFile(), Ports.LOOPBACK + ":" + alicePort,
                refereeAddress));
            expected.addAll(SippTrace.read(bobSpec.messageFile(), Ports.LOOPBACK + ":" + bobPort, refereeAddress));
        }
        assertTrue(expected.size() >= CALLS * 2 * 6, "SIPp traced " + expected.size() + " messages");

        final RefereeStatus status = referee.awaitStatus("hep.sent == " + expected.size(),
            s -> hep(s).counter("sent") >= expected.size(), Duration.ofSeconds(10));
        assertEquals(expected.size(), hep(status).counter("sent"), status::raw);
        assertEquals(0, hep(status).counter("dropped"), status::raw);
        assertEquals(0, hep(status).counter("errors"), status::raw);
        sngrep.awaitQuiet(Duration.ofSeconds(5));
        sngrep.close(); // by PID; it flushed each packet as it wrote it

        final List<SngrepCollector.WireMessage> captured = sngrep.sipMessages();
        assertEquals(sorted(expected), sorted(captured), "the capture holds exactly what crossed the wire");
        final Set<String> callIds = captured.stream().map(SngrepCollector.WireMessage::callId)
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(2 * CALLS, callIds.size(), "each call's two legs, each with its own Call-ID: " + callIds);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldDropAndCountWithoutSlowingCallsWhenTheCollectorRefuses() throws IOException
    {
        final int calls = 200;
        final Path dir = DUMP.workDir("referee-hep-down-");
        final int refused = closedTcpPort();
        final long startNs;
        try (SippParties parties = new SippParties(DUMP))
        {
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", dir).calls(calls)
                .globalTimeout(BOUND), calls).localPort();
            referee = RefereeProcess.start(dir, bobPort, List.of(), "hep:\n  address: \"" + Ports.LOOPBACK + ":" +
                refused + "\"\n  transport: tcp\n");
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + "):\n" + referee.logTail(60));
            startNs = System.nanoTime();
            parties.start(Sipp.uac("uac-basic-call.xml", dir).remote(referee.sipPort()).service("bob").calls(calls)
                .rate(100).limit(calls).globalTimeout(BOUND), calls);
            parties.assertAllSucceeded(BOUND.plusSeconds(10));
        }
        final long tookMs = (System.nanoTime() - startNs) / 1_000_000;
        // 200 calls at 100/s: two seconds of offered calls; the bound leaves room for a busy 2-core machine.
        assertTrue(tookMs < 15_000, "the calls took " + tookMs + " ms");

        final RefereeStatus status = hep(referee.awaitCallsEnded(Duration.ofSeconds(15)));
        assertEquals(0, status.counter("sent"), status::raw);
        assertEquals(0, status.counter("errors"), status::raw);
        // Each call is 13 messages on Referee's sockets, retransmissions aside: the caller's leg INVITE, 100, 180,
        // 200, ACK, BYE, 200; the callee's INVITE, 180, 200, ACK, BYE, 200. Every one dropped and counted.
        assertTrue(status.counter("dropped") >= 13L * calls, status::raw);
        assertTrue(referee.logTail(200).contains("HEP collector tcp:"), "the outage is logged once");
    }

    /** The counters of /status's {@code hep} object alone (its names are common words). */
    private static RefereeStatus hep(final RefereeStatus status)
    {
        final int at = status.raw().indexOf("\"hep\":");
        assertTrue(at >= 0, () -> "/status has no hep object: " + status.raw());
        return RefereeStatus.parse(status.raw().substring(at + 6));
    }

    private static List<String> sorted(final List<SngrepCollector.WireMessage> messages)
    {
        return messages.stream().map(SngrepCollector.WireMessage::toString).sorted(Comparator.naturalOrder())
            .toList();
    }

    /** A loopback TCP port nothing listens on: bound, then closed, so a connect is refused. */
    private static int closedTcpPort() throws IOException
    {
        try (ServerSocketChannel probe = ServerSocketChannel.open()
            .bind(new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), 0)))
        {
            return ((InetSocketAddress)probe.getLocalAddress()).getPort();
        }
    }
}
