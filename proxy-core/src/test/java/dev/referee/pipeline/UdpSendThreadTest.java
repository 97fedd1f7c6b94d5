package dev.referee.pipeline;

import dev.referee.transport.OverloadConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.Transport;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pipeline.udp-send: the engine's UDP messages go through the outbound ring to the send stage by default; with
 * "engine" the engine thread writes them itself. Either way the peer gets the same message; the capture tap, called
 * by the thread that writes to the socket, tells which one did.
 */
class UdpSendThreadTest
{
    private final Queue<String> sendingThreads = new ConcurrentLinkedQueue<>();
    private SipPipeline pipeline;
    /** A pipeline built as a cluster member's: the engine and the pipeline's own thread both send. */
    private boolean twoSenders;

    @AfterEach
    void after()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldSendUdpOnTheSendThreadByDefault() throws Exception
    {
        assertEquals(PipelineConfig.UdpSend.SEND_THREAD, PipelineConfig.defaults().udpSend());
        assertEquals("referee-send", threadThatSentTheEcho(config(64, 1_000)));
    }

    @Test
    void shouldSendUdpOnTheEngineThreadWhenConfigured() throws Exception
    {
        final PipelineConfig config = new PipelineConfig(64, 64, "blocking", 1_000, PipelineConfig.UdpSend.ENGINE);
        assertEquals("referee-engine", threadThatSentTheEcho(config));
    }

    @Test
    void shouldKeepTheSendStageForUdpInAPipelineWithSendersOnTwoThreads() throws Exception
    {
        final PipelineConfig config = new PipelineConfig(64, 64, "blocking", 1_000, PipelineConfig.UdpSend.ENGINE);
        twoSenders = true;
        assertEquals("referee-send", threadThatSentTheEcho(config));
    }

    /** Echoes one request through a pipeline built with {@code config}; the name of the thread that wrote the echo. */
    private String threadThatSentTheEcho(final PipelineConfig config) throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = new SipPipeline(config, List.of(listen(Transport.UDP, "127.0.0.1")), AGENT,
            OverloadConfig.defaults(), List.of(), SecurityConfig.defaults(false), TcpConfig.defaults(), null,
            new SystemNanoClock(), twoSenders);
        pipeline.capture(() -> (protocol, source, destination, buffer, offset, length, timeNs) ->
        {
            if (source.equals(pipeline.localAddress(Transport.UDP)))
            {
                sendingThreads.add(Thread.currentThread().getName());
            }
        });
        engine.sender = pipeline.sender();
        pipeline.start(engine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final String message = request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", "");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            client.send(new DatagramPacket(bytes(message), bytes(message).length, server));
            final DatagramPacket echo = new DatagramPacket(new byte[65_535], 65_535);
            client.receive(echo);
            assertEquals(message, new String(echo.getData(), 0, echo.getLength(), StandardCharsets.US_ASCII));
        }
        await("the echo captured", () -> !sendingThreads.isEmpty());
        assertEquals(0, engine.sendFailures.get());
        assertEquals(1, sendingThreads.size(), sendingThreads::toString);
        final String thread = sendingThreads.peek();
        assertTrue(thread.matches("referee-(engine|send)-\\d+"), thread);
        return thread.substring(0, thread.lastIndexOf('-'));
    }
}
