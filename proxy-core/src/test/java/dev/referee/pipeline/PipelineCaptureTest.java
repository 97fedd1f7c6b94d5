package dev.referee.pipeline;

import dev.referee.ring.PacketTap;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void shouldCaptureADatagramReceivedAndTheOneSentBack() throws Exception
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
            client.send(new DatagramPacket(bytes(message), bytes(message).length, server));
            client.receive(new DatagramPacket(new byte[65_535], 65_535));
            final InetSocketAddress phone = (InetSocketAddress)client.getLocalSocketAddress();

            await("both captured", () -> copies.size() == 2);
            assertEquals(new Copy(PacketTap.UDP, phone, server, message), copies.get(0));
            assertEquals(new Copy(PacketTap.UDP, server, phone, message), copies.get(1));
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

    private PacketTap recordingTap()
    {
        return (protocol, source, destination, buffer, offset, length, timeNs) ->
            copies.add(new Copy(protocol, source, destination, buffer.getStringWithoutLengthAscii(offset, length)));
    }
}
