package dev.referee.pipeline;

import dev.referee.config.Cidr;
import dev.referee.ring.PacketTap;
import dev.referee.transport.FloodConfig;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.Transport;
import dev.referee.transport.TrunkSources;
import dev.referee.transport.UnknownSources;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transports show the capture every message they read and write, with the addresses as seen on the wire. */
class PipelineCaptureTest
{
    /** What a tap saw, by thread. */
    record Copy(int protocol, InetSocketAddress source, InetSocketAddress destination, String message)
    {
    }

    private final List<Copy> copies = new CopyOnWriteArrayList<>();
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
    void shouldCaptureADatagramReceivedAndTheOneSentBackButNoKeepAlive() throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.UDP, "127.0.0.1")).capture(this::recordingTap);
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", "");

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            // A keep-alive first (RFC 5626 CRLF): no SIP message, not captured. (EchoEngine, unlike the engine, sends
            // even that back: only what reached the server is compared.)
            client.send(new DatagramPacket(bytes("\r\n\r\n"), 4, server));
            client.send(new DatagramPacket(bytes(message), bytes(message).length, server));
            final InetSocketAddress phone = (InetSocketAddress)client.getLocalSocketAddress();

            await("the request and its echo captured", () -> copies.contains(new Copy(PacketTap.UDP, server, phone,
                message)));
            assertEquals(List.of(new Copy(PacketTap.UDP, phone, server, message)),
                copies.stream().filter(copy -> copy.destination().equals(server)).toList());
        }
    }

    @Test
    void shouldCaptureTcpMessagesBothWays() throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1")).capture(this::recordingTap);
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.TCP);
        final String message = request("OPTIONS", "call-2@test", "z9hG4bK-2", 1, "TCP", "");

        try (Socket client = new Socket(server.getAddress(), server.getPort()))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            final OutputStream out = client.getOutputStream();
            out.write(bytes(message));
            out.flush();
            final InputStream in = client.getInputStream();
            in.readNBytes(bytes(message).length);
            final InetSocketAddress phone = (InetSocketAddress)client.getLocalSocketAddress();

            await("both captured", () -> copies.size() == 2);
            assertEquals(new Copy(PacketTap.TCP, phone, server, message), copies.get(0));
            assertEquals(new Copy(PacketTap.TCP, server, phone, message), copies.get(1));
        }
    }

    /** The first message on a connection Referee opens is captured with the address it leaves from, not 0.0.0.0:0. */
    @Test
    void shouldCaptureTheFirstMessageOnAConnectionReferreeOpensWithItsSource() throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1")).capture(this::recordingTap);
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final String message = request("OPTIONS", "call-4@test", "z9hG4bK-4", 1, "TCP", "");

        try (java.net.ServerSocket phone = new java.net.ServerSocket(0, 1, address("127.0.0.1")))
        {
            phone.setSoTimeout((int)TIMEOUT_MS);
            final InetSocketAddress phoneAddress = (InetSocketAddress)phone.getLocalSocketAddress();
            final byte[] bytes = bytes(message);
            assertTrue(pipeline.sender().send(Transport.TCP, phoneAddress, 0,
                new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length));
            try (Socket accepted = phone.accept())
            {
                await("captured", () -> copies.size() == 1);
                assertEquals(new Copy(PacketTap.TCP, (InetSocketAddress)accepted.getRemoteSocketAddress(),
                    phoneAddress, message), copies.get(0));
            }
        }
    }

    @Test
    void shouldCaptureARefusedRequestAndTheStatelessAnswer() throws Exception
    {
        // Only 192.0.2.0/24 is a trunk: a request from loopback is refused with a stateless 403 on the receive thread,
        // before the engine sees it. Both are on the wire, so both are in the capture.
        pipeline = new SipPipeline(config(64, 1_000), List.of(listen(Transport.UDP, "127.0.0.1")), AGENT,
            OverloadConfig.defaults(), List.of(new TrunkSources("carrier", List.of(Cidr.parse("192.0.2.0/24")))),
            new SecurityConfig(UnknownSources.REJECT, FloodConfig.OFF, List.of()), TcpConfig.defaults(),
            new SystemNanoClock()).capture(this::recordingTap);
        final EchoEngine engine = new EchoEngine();
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-3@test", "z9hG4bK-3", 1, "UDP", "");

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            client.send(new DatagramPacket(bytes(message), bytes(message).length, server));
            final DatagramPacket answer = new DatagramPacket(new byte[65_535], 65_535);
            client.receive(answer);
            final String forbidden = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII);
            final InetSocketAddress phone = (InetSocketAddress)client.getLocalSocketAddress();

            await("both captured", () -> copies.size() == 2);
            assertEquals(new Copy(PacketTap.UDP, phone, server, message), copies.get(0));
            assertEquals(new Copy(PacketTap.UDP, server, phone, forbidden), copies.get(1));
            assertTrue(forbidden.startsWith("SIP/2.0 403 "), forbidden);
            assertEquals(0, engine.received.size(), "the engine never saw it");
        }
    }

    private PacketTap recordingTap()
    {
        return (protocol, source, destination, buffer, offset, length, timeNs) ->
            copies.add(new Copy(protocol, source, destination, buffer.getStringWithoutLengthAscii(offset, length)));
    }
}
