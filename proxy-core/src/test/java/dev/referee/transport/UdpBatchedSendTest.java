package dev.referee.transport;

import dev.referee.ring.PacketTap;
import dev.referee.ring.PipelineCounters;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.referee.pipeline.PipelineTestSupport.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The send stage's side of batched system calls: {@link UdpTransport#queue} and {@link UdpTransport#flush}. */
class UdpBatchedSendTest
{
    /** On Linux with the JVM flags of ops/jvm-flags.sh (the tests run with them), batches must not fall back. */
    @Test
    void shouldUseRecvmmsgAndSendmmsgOnLinux() throws Exception
    {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "Linux only");
        final UdpTransport transport = new UdpTransport(
            List.of(new InetSocketAddress(address("127.0.0.1"), 0)), null, null, new PipelineCounters());
        try
        {
            assertTrue(transport.batchSystemCalls(true), "batched system calls available");
        }
        finally
        {
            transport.close();
        }
    }

    /**
     * More datagrams than a batch, to three peers of which one is watched (its own connected socket): each peer
     * gets its datagrams in the order queued, from the listening address, and each is counted and captured once.
     */
    @Test
    void shouldWriteEachPeersDatagramsInOrderFromTheListeningAddress() throws Exception
    {
        final int peers = 3;
        final int count = UdpTransport.SEND_BATCH * 2 + 7;
        final DatagramSocket[] receivers = new DatagramSocket[peers];
        final InetSocketAddress[] addresses = new InetSocketAddress[peers];
        final PipelineCounters counters = new PipelineCounters();
        final UdpTransport transport = new UdpTransport(
            List.of(new InetSocketAddress(address("127.0.0.1"), 0)), null, null, counters);
        final List<String> captured = new ArrayList<>();
        try
        {
            for (int peer = 0; peer < peers; peer++)
            {
                receivers[peer] = new DatagramSocket(new InetSocketAddress(address("127.0.0.1"), 0));
                receivers[peer].setReceiveBufferSize(1 << 20);
                receivers[peer].setSoTimeout(10_000);
                addresses[peer] = (InetSocketAddress)receivers[peer].getLocalSocketAddress();
            }
            transport.watch(List.of(addresses[0]));
            assumeTrue(transport.batchSystemCalls(true), "batched system calls available");
            transport.bind();
            transport.taps(PacketTap.NONE, (protocol, source, destination, buffer, offset, length, timeNs) ->
                captured.add(destination.getPort() + " " + buffer.getStringWithoutLengthAscii(offset, length)));
            final InetSocketAddress local = transport.boundAddresses().get(0);

            for (int i = 0; i < count; i++)
            {
                final byte[] bytes = message(i).getBytes(StandardCharsets.US_ASCII);
                transport.queue(addresses[i % peers], new UnsafeBuffer(bytes), 0, bytes.length);
            }
            transport.flush();

            for (int i = 0; i < count; i++)
            {
                final DatagramPacket packet = new DatagramPacket(new byte[256], 256);
                receivers[i % peers].receive(packet);
                assertEquals(message(i), new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII));
                assertEquals(local, packet.getSocketAddress());
            }
            assertEquals(count, counters.udpSent.get());
            assertEquals(0, counters.udpSendDropped.get());
            assertEquals(count, captured.size());
            for (int i = 0; i < count; i++)
            {
                assertTrue(captured.contains(addresses[i % peers].getPort() + " " + message(i)), message(i));
            }
        }
        finally
        {
            transport.close();
            for (final DatagramSocket receiver : receivers)
            {
                if (receiver != null)
                {
                    receiver.close();
                }
            }
        }
    }

    /** A datagram to a family no socket listens on, or too long, is counted as dropped; the rest still go. */
    @Test
    void shouldDropWhatNoSocketCanSendAndSendTheRest() throws Exception
    {
        final PipelineCounters counters = new PipelineCounters();
        final UdpTransport transport = new UdpTransport(
            List.of(new InetSocketAddress(address("127.0.0.1"), 0)), null, null, counters);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(address("127.0.0.1"), 0)))
        {
            receiver.setSoTimeout(10_000);
            assumeTrue(transport.batchSystemCalls(true), "batched system calls available");
            transport.bind();
            final byte[] bytes = message(1).getBytes(StandardCharsets.US_ASCII);
            transport.queue(new InetSocketAddress(address("::1"), 5060), new UnsafeBuffer(bytes), 0, bytes.length);
            transport.queue((InetSocketAddress)receiver.getLocalSocketAddress(), new UnsafeBuffer(bytes), 0,
                bytes.length);
            transport.flush();

            final DatagramPacket packet = new DatagramPacket(new byte[256], 256);
            receiver.receive(packet);
            assertEquals(message(1), new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII));
            assertEquals(1, counters.udpSent.get());
            assertEquals(1, counters.udpSendDropped.get());
        }
        finally
        {
            transport.close();
        }
    }

    private static String message(final int i)
    {
        return "OPTIONS sip:peer@test SIP/2.0\r\nCall-ID: batch-" + i + "\r\n\r\n";
    }
}
