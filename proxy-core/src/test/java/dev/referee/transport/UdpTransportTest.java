package dev.referee.transport;

import dev.referee.pipeline.EchoEngine;
import dev.referee.pipeline.SipPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UdpTransportTest
{
    private SipPipeline pipeline;

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
        pipeline = pipeline(64, 1_000, listen(Transport.UDP, "127.0.0.1"), listen(Transport.UDP, "::1"));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        for (final var bound : pipeline.boundAddresses())
        {
            roundTrip(bound.address(), "OPTIONS-" + bound.address().getPort());
        }
        assertEquals(2, pipeline.counters().udpReceived.get());
        await("two sent", () -> pipeline.counters().udpSent.get() == 2);
    }

    private void shouldEchoDatagram(final String host) throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.UDP, host));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", "");
        roundTrip(server, message);
        roundTrip(server, message.replace("call-1", "call-2"));

        assertEquals(2, pipeline.counters().received(Transport.UDP));
        await("two sent", () -> pipeline.counters().sent(Transport.UDP) == 2);
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
