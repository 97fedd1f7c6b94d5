package dev.referee.capture;

import dev.referee.ring.PacketTap;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.referee.pipeline.PipelineTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capture end to end on loopback: taps, ring, sender thread, a collector socket the test reads. */
@Timeout(30)
class HepCaptureTest
{
    private static final InetSocketAddress PHONE = new InetSocketAddress("127.0.0.2", 5062);
    private static final InetSocketAddress REFEREE = new InetSocketAddress("127.0.0.1", 5060);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    @Test
    void shouldSendEveryTappedMessageToAUdpCollectorWithItsAddressesTimeAndCallId() throws Exception
    {
        final DatagramChannel collector = open(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        final HepCapture capture = open(new HepCapture(new HepConfig(
            (InetSocketAddress)collector.getLocalAddress(), HepConfig.Transport.UDP, 2001, "s3cret"))).start();
        final PacketTap receive = capture.newTap();
        final PacketTap send = capture.newTap();
        final long beforeMs = System.currentTimeMillis();

        tap(receive, PHONE, REFEREE, invite("call-1@phone"));
        tap(send, REFEREE, PHONE, "SIP/2.0 100 Trying\r\nCall-ID: call-1@phone\r\nContent-Length: 0\r\n\r\n");

        final HepPacket first = receive(collector);
        final HepPacket second = receive(collector);
        assertEquals(invite("call-1@phone"), first.chunk(0x000f).text());
        assertArrayEquals(PHONE.getAddress().getAddress(), first.chunk(0x0003).value());
        assertEquals(5062, first.chunk(0x0007).uint());
        assertArrayEquals(REFEREE.getAddress().getAddress(), first.chunk(0x0004).value());
        assertEquals(5060, first.chunk(0x0008).uint());
        assertEquals("call-1@phone", first.chunk(0x0011).text());
        assertEquals("s3cret", first.chunk(0x000e).text());
        assertEquals(2001, first.chunk(0x000c).uint());
        final long sentMs = (first.chunk(0x0009).uint() & 0xFFFFFFFFL) * 1000 + first.chunk(0x000a).uint() / 1000;
        assertTrue(sentMs >= beforeMs - 1000 && sentMs <= System.currentTimeMillis() + 1000,
            "timestamp " + sentMs + " is not now (" + beforeMs + ")");
        assertEquals("call-1@phone", second.chunk(0x0011).text());
        assertArrayEquals(REFEREE.getAddress().getAddress(), second.chunk(0x0003).value());
        await("two sent", () -> capture.sent() == 2);
        assertEquals(0, capture.dropped());
        assertEquals(0, capture.errors());
    }

    @Test
    void shouldCarryPacketsBackToBackOnOneTcpConnection() throws Exception
    {
        final ServerSocketChannel server = open(ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        final HepCapture capture = open(new HepCapture(new HepConfig(
            (InetSocketAddress)server.getLocalAddress(), HepConfig.Transport.TCP, 7, null))).start();
        final SocketChannel connection = open(server.accept());
        final PacketTap tap = capture.newTap();

        final int messages = 200;
        for (int i = 0; i < messages; i++)
        {
            tap(tap, PHONE, REFEREE, invite("call-" + i));
        }

        final ByteBuffer stream = ByteBuffer.allocate(1 << 20);
        for (int i = 0; i < messages; i++)
        {
            final HepPacket packet = readPacket(connection, stream);
            assertEquals("call-" + i, packet.chunk(0x0011).text(), "packet " + i + " in order");
            assertEquals(17, packet.chunk(0x0002).uint(), "the captured message's protocol, not HEP's own");
        }
        await("all sent", () -> capture.sent() == messages);
    }

    @Test
    void shouldDropAndCountWhileTheTcpCollectorRefusesConnections() throws Exception
    {
        final InetSocketAddress refused = closedPort();
        final HepCapture capture = open(new HepCapture(new HepConfig(refused, HepConfig.Transport.TCP, 7, null)))
            .start();
        final PacketTap tap = capture.newTap();

        final long startNs = System.nanoTime();
        for (int i = 0; i < 1_000; i++)
        {
            tap(tap, PHONE, REFEREE, invite("call-" + i));
        }
        final long tapsMs = (System.nanoTime() - startNs) / 1_000_000;

        await("every message dropped", () -> capture.dropped() == 1_000);
        assertEquals(0, capture.sent());
        assertEquals(0, capture.errors());
        // A thousand copies into memory: milliseconds, whatever the collector does (bound generous for a busy host).
        assertTrue(tapsMs < 1_000, "taps took " + tapsMs + " ms");
    }

    @Test
    void shouldCountErrorsWhenNothingListensAtTheUdpCollector() throws Exception
    {
        final HepCapture capture = open(new HepCapture(new HepConfig(closedPort(), HepConfig.Transport.UDP, 7,
            null))).start();
        final PacketTap tap = capture.newTap();

        for (int i = 0; i < 100; i++)
        {
            tap(tap, PHONE, REFEREE, invite("call-" + i));
        }

        await("every message accounted for", () -> capture.sent() + capture.dropped() + capture.errors() == 100);
        assertTrue(capture.errors() > 0, "port unreachable reported: sent " + capture.sent() + ", errors " +
            capture.errors());
    }

    @Test
    void shouldDropWhatTheRingCannotHoldAndSendTheRestOnceTheSenderRuns() throws Exception
    {
        final DatagramChannel collector = open(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        // Room for every datagram the ring held: the default buffer (208 KiB) holds about 90 of them.
        collector.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        final HepCapture capture = open(new HepCapture(new HepConfig(
            (InetSocketAddress)collector.getLocalAddress(), HepConfig.Transport.UDP, 1, null), 64 * 1024,
            new SystemNanoClock(), new SystemEpochNanoClock()));
        final PacketTap tap = capture.newTap();

        for (int i = 0; i < 1_000; i++)
        {
            tap(tap, PHONE, REFEREE, invite("call-" + i)); // the sender is not running: the ring fills
        }
        final long held = capture.captured();
        assertTrue(held > 0 && held < 1_000, "ring held " + held);
        assertEquals(1_000 - held, capture.dropped());

        capture.start();
        for (long i = 0; i < held; i++)
        {
            assertEquals("call-" + i, receive(collector).chunk(0x0011).text());
        }
        await("held ones sent", () -> capture.sent() == held);
    }

    private static String invite(final String callId)
    {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1\r\n" +
            "From: <sip:alice@127.0.0.2>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: " + callId + "\r\n" +
            "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    private static void tap(final PacketTap tap, final InetSocketAddress from, final InetSocketAddress to,
        final String message)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        tap.copy(PacketTap.UDP, from, to, new UnsafeBuffer(bytes), 0, bytes.length, System.nanoTime());
    }

    /** The next datagram at the collector, waited for (bounded) with a selector. */
    private static HepPacket receive(final DatagramChannel collector) throws IOException
    {
        final ByteBuffer datagram = ByteBuffer.allocate(HepEncoder.MAX_PACKET_LENGTH);
        collector.configureBlocking(false);
        try (Selector selector = Selector.open())
        {
            collector.register(selector, SelectionKey.OP_READ);
            while (collector.receive(datagram) == null)
            {
                if (selector.select(10_000) == 0)
                {
                    throw new AssertionError("no HEP datagram within 10 s");
                }
                selector.selectedKeys().clear();
            }
        }
        return HepPacket.read(datagram.flip());
    }

    /** Reads from the stream until one whole packet is there, and takes it off the front. */
    private static HepPacket readPacket(final SocketChannel connection, final ByteBuffer stream) throws IOException
    {
        while (stream.position() < 6 || stream.position() < (stream.getShort(4) & 0xFFFF))
        {
            if (connection.read(stream) < 0)
            {
                throw new AssertionError("collector connection closed");
            }
        }
        final int length = stream.getShort(4) & 0xFFFF;
        final HepPacket packet = HepPacket.read(ByteBuffer.wrap(stream.array(), 0, length));
        stream.flip().position(length);
        stream.compact();
        return packet;
    }

    /** A loopback port nothing listens on: bound, then closed (TCP connects are refused, UDP gets ICMP back). */
    private static InetSocketAddress closedPort() throws IOException
    {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)))
        {
            return new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                ((InetSocketAddress)probe.getLocalAddress()).getPort());
        }
    }

    private <T extends AutoCloseable> T open(final T closeable)
    {
        closeables.add(closeable);
        return closeable;
    }
}
