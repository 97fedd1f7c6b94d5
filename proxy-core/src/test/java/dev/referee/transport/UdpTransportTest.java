package dev.referee.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.concurrent.UnsafeBuffer;

import dev.referee.config.ListenAddress;
import dev.referee.pipeline.EchoEngine;
import dev.referee.pipeline.PipelineConfig;
import dev.referee.pipeline.SipPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The UDP transport through a whole pipeline, with batched system calls (recvmmsg, sendmmsg) and the send stage
 * writing; {@link UdpTransportPerDatagramTest} runs the same with the JDK's call per datagram,
 * {@link UdpTransportEngineSendsTest} with the engine thread writing (pipeline.udp-send: engine).
 */
class UdpTransportTest
{
    private SipPipeline pipeline;

    /** pipeline.udp-syscalls of every pipeline here. */
    PipelineConfig.UdpSyscalls syscalls()
    {
        return PipelineConfig.UdpSyscalls.BATCHED;
    }

    /** pipeline.udp-send of every pipeline here. */
    PipelineConfig.UdpSend udpSend()
    {
        return PipelineConfig.UdpSend.SEND_THREAD;
    }

    private SipPipeline pipeline(final ListenAddress... listen)
    {
        return pipeline(64, listen);
    }

    private SipPipeline pipeline(final int ringSize, final ListenAddress... listen)
    {
        final PipelineConfig config = new PipelineConfig(ringSize, ringSize, "blocking", 1_000,
            udpSend(), syscalls());
        return new SipPipeline(config, java.util.List.of(listen), AGENT);
    }

    /**
     * Bursts from several phones at once: the receive thread reads several datagrams a call and the send stage
     * writes a batch a call; every message comes back, to its sender, in the order sent.
     */
    @Test
    void shouldEchoBurstsFromSeveralSourcesInOrder() throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(1024, listen(Transport.UDP, "127.0.0.1")); // room for the whole burst: no overload
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final int phones = 4;
        final int each = 40;
        final DatagramSocket[] clients = new DatagramSocket[phones];
        try
        {
            for (int phone = 0; phone < phones; phone++)
            {
                clients[phone] = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
                clients[phone].setReceiveBufferSize(1 << 20);
                clients[phone].setSoTimeout((int)TIMEOUT_MS);
            }
            for (int i = 0; i < each; i++)
            {
                for (int phone = 0; phone < phones; phone++)
                {
                    final byte[] request = bytes(burstMessage(phone, i));
                    clients[phone].send(new DatagramPacket(request, request.length, server));
                }
            }
            for (int phone = 0; phone < phones; phone++)
            {
                for (int i = 0; i < each; i++)
                {
                    final DatagramPacket reply = new DatagramPacket(new byte[4096], 4096);
                    clients[phone].receive(reply);
                    assertEquals(burstMessage(phone, i),
                        new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                    assertEquals(server, reply.getSocketAddress());
                }
            }
        }
        finally
        {
            for (final DatagramSocket client : clients)
            {
                if (client != null)
                {
                    client.close();
                }
            }
        }
        assertEquals(phones * each, pipeline.counters().udpReceived.get());
        await("all sent", () -> pipeline.counters().udpSent.get() == phones * each);
    }

    private static String burstMessage(final int phone, final int i)
    {
        return request("OPTIONS", "burst-" + phone + "-" + i + "@test", "z9hG4bK-b" + phone + "x" + i, 1, "UDP", "");
    }

    @AfterEach
    void after()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldEchoDatagramThroughPipelineOnIpv4() throws Exception
    {
        shouldEchoDatagram("127.0.0.1");
    }

    @Test
    void shouldEchoDatagramThroughPipelineOnIpv6() throws Exception
    {
        assumeTrue(hasIpv6Loopback(), "no IPv6 loopback");
        shouldEchoDatagram("::1");
    }

    @Test
    void shouldServeIpv4AndIpv6SocketsFromOnePipeline() throws Exception
    {
        assumeTrue(hasIpv6Loopback(), "no IPv6 loopback");
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(listen(Transport.UDP, "127.0.0.1"), listen(Transport.UDP, "::1"));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        for (final var bound : pipeline.boundAddresses())
        {
            roundTrip(bound.address(), "OPTIONS-" + bound.address().getPort());
        }
        assertEquals(2, pipeline.counters().udpReceived.get());
        await("two sent", () -> pipeline.counters().udpSent.get() == 2);
    }

    /**
     * A watched peer (a UDP route target) whose port is closed: the kernel's ICMP port unreachable, heard on the socket
     * connected to it, reaches the engine as a transport failure; a watched peer that answers is served as before,
     * from the listening port, and other sources still reach the listening socket.
     */
    @Test
    void shouldTellTheEngineWhenAWatchedPeersPortIsClosedAndServeTheOthersAsBefore() throws Exception
    {
        final InetSocketAddress closed;
        try (DatagramSocket probe = new DatagramSocket(0, address("127.0.0.1")))
        {
            closed = (InetSocketAddress)probe.getLocalSocketAddress();
        }
        try (DatagramSocket target = new DatagramSocket(0, address("127.0.0.1"));
            DatagramSocket stranger = new DatagramSocket(0, address("127.0.0.1")))
        {
            target.setSoTimeout(5_000);
            stranger.setSoTimeout(5_000);
            final InetSocketAddress open = (InetSocketAddress)target.getLocalSocketAddress();
            final EchoEngine engine = new EchoEngine();
            pipeline = pipeline(listen(Transport.UDP, "127.0.0.1"));
            pipeline.watchUdpPeers(java.util.List.of(closed, open));
            engine.sender = pipeline.sender();
            pipeline.start(engine);
            final InetSocketAddress referee = pipeline.localAddress(Transport.UDP);

            final byte[] invite = bytes(request("INVITE", "icmp@test", "z9hG4bK-icmp", 1, "UDP", ""));
            assertTrue(pipeline.sender().send(Transport.UDP, closed, 0, new UnsafeBuffer(invite), 0, invite.length));
            await("the engine told", () -> closed.equals(engine.transportFailures.peek()));
            assertEquals(1, pipeline.counters().udpPortUnreachable.get());

            // The open target: what it sends reaches the engine and the echo goes back from the listening port.
            final String options = request("OPTIONS", "open@test", "z9hG4bK-open", 1, "UDP", "");
            target.send(new DatagramPacket(bytes(options), bytes(options).length, referee));
            final DatagramPacket echo = new DatagramPacket(new byte[2048], 2048);
            target.receive(echo);
            assertEquals(referee, echo.getSocketAddress(), "from the port the target wrote to");
            assertEquals(options, new String(echo.getData(), 0, echo.getLength(), StandardCharsets.UTF_8));

            final String other = request("OPTIONS", "stranger@test", "z9hG4bK-str", 1, "UDP", "");
            stranger.send(new DatagramPacket(bytes(other), bytes(other).length, referee));
            final DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
            stranger.receive(back);
            assertEquals(other, new String(back.getData(), 0, back.getLength(), StandardCharsets.UTF_8));
            assertEquals(1, engine.transportFailures.size(), "only the closed port failed");
        }
    }

    /**
     * A receive thread kept off the CPU for a moment (JIT at start, a busy machine) must not lose the datagrams that
     * arrive meanwhile: the sockets ask for 4 MiB buffers, within what the kernel allows (net.core.rmem_max).
     */
    @Test
    void shouldAskTheKernelForLargeReceiveBuffers() throws Exception
    {
        final long rmemMax;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("/proc/sys/net/core/rmem_max")))
        {
            // procfs reports no size, so read the stream to its end rather than Files.readString.
            rmemMax = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
        final UdpTransport transport = new UdpTransport(
            java.util.List.of(new InetSocketAddress(address("127.0.0.1"), 0)), null, null, null);
        try
        {
            transport.bind();
            final long expected = Math.min(UdpSockets.SOCKET_BUFFER_BYTES, rmemMax);
            for (final int size : transport.receiveBufferBytes())
            {
                org.junit.jupiter.api.Assertions.assertTrue(size >= expected,
                    "SO_RCVBUF " + size + " < " + expected + " (rmem_max " + rmemMax + ")");
            }
        }
        finally
        {
            transport.close();
        }
    }

    @Test
    void shouldSendNothingWhileItsGateIsClosedAndCountWhatItHeldBack() throws Exception
    {
        final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(listen(Transport.UDP, "127.0.0.1")).gate(open::get);
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", "");

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout(300);
            final byte[] request = bytes(message);
            client.send(new DatagramPacket(request, request.length, server));
            await("held back", () -> pipeline.counters().sendsFenced() == 1);
            final DatagramPacket reply = new DatagramPacket(new byte[65_535], 65_535);
            assertThrows(java.net.SocketTimeoutException.class, () -> client.receive(reply), "nothing sent");
            assertEquals(0, pipeline.counters().udpSent.get());
        }
        open.set(true);
        roundTrip(server, message.replace("call-1", "call-2"));
        assertEquals(1, pipeline.counters().sendsFenced());
    }

    private void shouldEchoDatagram(final String host) throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(listen(Transport.UDP, host));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", "");
        roundTrip(server, message);
        roundTrip(server, message.replace("call-1", "call-2"));

        assertEquals(2, pipeline.counters().udpReceived.get());
        await("two sent", () -> pipeline.counters().udpSent.get() == 2);
        assertEquals(0L, engine.connectionIds.peek());
    }

    private static void roundTrip(final InetSocketAddress server, final String message) throws Exception
    {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            final byte[] request = bytes(message);
            client.send(new DatagramPacket(request, request.length, server));

            final byte[] buffer = new byte[65_535];
            final DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            client.receive(reply);
            assertEquals(message, new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8));
            assertEquals(server, reply.getSocketAddress());
        }
    }
}
