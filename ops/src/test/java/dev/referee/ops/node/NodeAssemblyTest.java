package dev.referee.ops.node;

import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.journal.CycleClockJournals;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalRoll;
import dev.referee.journal.RecordType;
import dev.referee.journal.SyntheticCalls;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.config.WarmUpConfig;
import dev.referee.transport.Transport;

import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node put together by the composition root: port 0 resolved and advertised, journal on and off. */
class NodeAssemblyTest
{
    private static final int RECEIVE_TIMEOUT_MS = 10_000;

    @TempDir
    Path dir;

    @Test
    void shouldListenOnThePortsTheSystemChoseAndAdvertiseThem() throws Exception
    {
        try (DatagramSocket callee = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            RefereeNode node = NodeAssembly.start(config(true, "127.0.0.1:0", callee.getLocalPort())))
        {
            final List<ListenAddress> bound = node.boundAddresses();
            assertEquals(Transport.UDP, bound.get(0).transport());
            assertEquals(Transport.TCP, bound.get(1).transport());
            assertNotEquals(0, bound.get(0).address().getPort());
            assertNotEquals(0, bound.get(1).address().getPort());
            assertNotEquals(0, node.adminAddress().getPort());
            assertEquals(200, httpStatus(node.adminAddress(), "/health"));

            final InetSocketAddress referee = bound.get(0).address();
            send(caller, referee, invite(caller.getLocalPort(), referee.getPort()));
            final String relayed = receive(callee);

            assertTrue(relayed.startsWith("INVITE sip:bob@"), relayed);
            assertTrue(relayed.contains("Via: SIP/2.0/UDP 127.0.0.1:" + referee.getPort() + ";"),
                "Referee's Via names the port it listens on:\n" + relayed);
        }
    }

    @Test
    void shouldStartOnANewJournalThenRecoverFromIt() throws Exception
    {
        final List<ListenAddress> firstPorts;
        try (RefereeNode node = NodeAssembly.start(config(true, "off", 5062)))
        {
            firstPorts = node.boundAddresses();
        }
        // Same ports again: the journal records the addresses the engine advertised.
        final String listen = "[\"udp:127.0.0.1:" + firstPorts.get(0).address().getPort() + "\", \"tcp:127.0.0.1:" +
            firstPorts.get(1).address().getPort() + "\"]";
        try (RefereeNode node = NodeAssembly.start(withListen(config(true, "off", 5062), listen)))
        {
            assertEquals(firstPorts, node.boundAddresses());
        }

        assertEquals(List.of(RecordType.NODE_START, RecordType.RECOVERED), controlRecords(dir.resolve("journal")));
    }

    /**
     * A restart warms up beside its journal's replay (ParallelWarmUp), and answers only once both are done: the call
     * the first node left in progress is recovered, and a new call is relayed.
     */
    @Test
    void shouldWarmUpBesideTheReplayOfARestart() throws Exception
    {
        final RefereeConfig warmingUp = withWarmUp(config(true, "off", 5062), 40);
        assertFalse(ParallelWarmUp.worthwhile(warmingUp), "no journal yet: warm up before binding, as before");
        final String listen;
        try (DatagramSocket callee = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            final RefereeConfig first = config(true, "off", callee.getLocalPort());
            try (RefereeNode node = NodeAssembly.start(first))
            {
                final InetSocketAddress referee = node.boundAddresses().get(0).address();
                send(caller, referee, invite(caller.getLocalPort(), referee.getPort()));
                assertTrue(receive(callee).startsWith("INVITE sip:bob@"));
                listen = "[\"udp:127.0.0.1:" + referee.getPort() + "\"]";
            }
            final RefereeConfig restart = withWarmUp(withListen(first, listen), 40);
            assertTrue(ParallelWarmUp.worthwhile(restart));
            assertFalse(ParallelWarmUp.worthwhile(withWarmUp(restart, 0)), "no warm-up, nothing beside the replay");
            try (RefereeNode node = RefereeNode.start(restart))
            {
                assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("referee-warm-up") && t.isAlive()), "the warm-up is over");
                assertEquals(1, node.engineCounters().get(EngineCounters.CALLS), "the call in progress, recovered");
                final InetSocketAddress referee = node.boundAddresses().get(0).address();
                send(caller, referee, invite(caller.getLocalPort(), referee.getPort()).replace("assembly-1@", "assembly-2@")
                    .replace("z9hG4bK-assembly-1", "z9hG4bK-assembly-2"));
                final String relayed = receive(callee);
                assertTrue(relayed.startsWith("INVITE sip:bob@") && relayed.contains("Call-ID: "), relayed);
            }
        }
        assertEquals(List.of(RecordType.NODE_START, RecordType.RECOVERED), controlRecords(dir.resolve("journal")));
    }

    /**
     * A node started on a journal whose first cycle retention deleted, node-start with it: it recovers from the
     * snapshot in the next cycle, with the configuration recorded there (its listen address and route), keeps the
     * calls that were up, and relays a new call.
     */
    @Test
    void shouldRecoverAJournalWhoseNodeStartRetentionDeleted() throws Exception
    {
        try (DatagramSocket callee = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            DatagramSocket caller = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            final int refereePort = freeUdpPort();
            // As a node records it, listening on refereePort: bob to this test's callee, bob1, bob2... (the phones'
            // calls) elsewhere.
            final EngineConfig recorded = ConfigLoader.parse(
                "listen: [\"udp:127.0.0.1:" + refereePort + "\"]\n" +
                "routes: [{user: bob, target: \"127.0.0.1:" + callee.getLocalPort() + "\"}, " +
                "{user: \"bob.*\", target: \"127.0.0.1:" + SyntheticCalls.CALLEE.getPort() + "\"}]\n",
                "recorded.yaml").engineConfig(SyntheticCalls.key(41));
            // Minutes just past: the node then appends a cycle or two later (Chronicle's appender visits every cycle
            // in between, a million minutes from a date years back).
            final long startMs = (System.currentTimeMillis() / 60_000 - 2) * 60_000;
            final SetTimeProvider cycleClock = new SetTimeProvider(TimeUnit.MILLISECONDS.toNanos(startMs));
            try (Journal journal = CycleClockJournals.openForWriting(dir.resolve("journal"),
                new JournalConfig(JournalRoll.MINUTELY, 1, 60_000), cycleClock))
            {
                final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), recorded, 1_000_000_000L,
                    SyntheticCalls.DEFAULT_STEP_NS);
                calls.establish(1);
                calls.callerBye(calls.establish(2));
                cycleClock.currentTimeMillis(startMs + 60_000);
                calls.establish(3);
                calls.snapshot();
                journal.housekeep();
            }
            assertEquals(List.of(), controlRecords(dir.resolve("journal")), "node-start deleted");

            // The file's route (bob to port 5062) is not the journal's: the journal's is used.
            try (RefereeNode node = NodeAssembly.start(withListen(config(true, "off", 5062),
                "[\"udp:127.0.0.1:" + refereePort + "\"]")))
            {
                assertEquals(2, node.engineCounters().get(EngineCounters.CALLS), "calls 1 and 3, recovered");
                final InetSocketAddress referee = node.boundAddresses().get(0).address();
                send(caller, referee, invite(caller.getLocalPort(), referee.getPort()));
                assertTrue(receive(callee).startsWith("INVITE sip:bob@"), "a new call relayed");
            }
        }
        assertEquals(List.of(RecordType.RECOVERED), controlRecords(dir.resolve("journal")));
    }

    private static int freeUdpPort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldRunWithoutAJournalWhenItIsOff() throws Exception
    {
        try (RefereeNode node = NodeAssembly.start(config(false, "off", 5062)))
        {
            assertNotEquals(0, node.boundAddresses().get(0).address().getPort());
        }

        assertFalse(Files.exists(dir.resolve("journal")), "no journal directory is made");
    }

    private RefereeConfig config(final boolean journal, final String admin, final int calleePort) throws Exception
    {
        return ConfigLoader.parse(
            "listen: [\"udp:127.0.0.1:0\", \"tcp:127.0.0.1:0\"]\n" +
            "routes: [{user: bob, target: \"127.0.0.1:" + calleePort + "\"}]\n" +
            "journal:\n  enabled: " + journal + "\n  dir: \"" + dir.resolve("journal") + "\"\n" +
            "cdr:\n  dir: \"" + dir.resolve("cdr") + "\"\n" +
            "admin: \"" + admin + "\"\n" +
            "warm-up:\n  calls: 0\n", "test.yaml");
    }

    private static RefereeConfig withWarmUp(final RefereeConfig config, final int calls)
    {
        return config.withWarmUp(new WarmUpConfig(calls, 30_000));
    }

    private static RefereeConfig withListen(final RefereeConfig config, final String listen) throws Exception
    {
        return config.withListen(ConfigLoader.parse("listen: " + listen + "\n", "listen.yaml").listen());
    }

    private static List<Integer> controlRecords(final Path journalDir) throws IOException
    {
        final List<Integer> types = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(journalDir); JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                if (record.type == RecordType.NODE_START || record.type == RecordType.RECOVERED)
                {
                    types.add(record.type);
                }
            }
        }
        return types;
    }

    private static String invite(final int callerPort, final int refereePort)
    {
        final String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\n";
        return "INVITE sip:bob@127.0.0.1:" + refereePort + " SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:" + callerPort + ";branch=z9hG4bK-assembly-1;rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:alice@127.0.0.1:" + callerPort + ">;tag=a1\r\n" +
            "To: <sip:bob@127.0.0.1:" + refereePort + ">\r\n" +
            "Call-ID: assembly-1@test\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Contact: <sip:alice@127.0.0.1:" + callerPort + ">\r\n" +
            "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private static void send(final DatagramSocket socket, final InetSocketAddress to, final String text)
        throws IOException
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** The first request that reaches {@code socket} (a blocking receive with a deadline, not a sleep). */
    private static String receive(final DatagramSocket socket) throws IOException
    {
        socket.setSoTimeout(RECEIVE_TIMEOUT_MS);
        final byte[] buffer = new byte[65_536];
        while (true)
        {
            final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            final String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
            if (!text.startsWith("SIP/2.0"))
            {
                return text;
            }
        }
    }

    private static int httpStatus(final InetSocketAddress admin, final String path) throws IOException
    {
        final HttpURLConnection connection = (HttpURLConnection)URI.create(
            "http://127.0.0.1:" + admin.getPort() + path).toURL().openConnection();
        try
        {
            return connection.getResponseCode();
        }
        finally
        {
            connection.disconnect();
        }
    }
}
