package dev.referee.transport;

import dev.referee.pipeline.EchoEngine;
import dev.referee.ring.InboundEvent;
import dev.referee.pipeline.InboundHandler;
import dev.referee.pipeline.SipPipeline;
import dev.referee.pipeline.SipSender;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TcpTransportTest
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
    void shouldFrameSplitAndCoalescedMessagesOnIpv4() throws Exception
    {
        shouldFrameSplitAndCoalescedMessages("127.0.0.1");
    }

    @Test
    void shouldFrameSplitAndCoalescedMessagesOnIpv6() throws Exception
    {
        assumeTrue(hasIpv6Loopback(), "no IPv6 loopback");
        shouldFrameSplitAndCoalescedMessages("::1");
    }

    @Test
    void shouldCloseConnectionOnUnframeableStream() throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1"));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        try (Socket client = connect(pipeline.localAddress(Transport.TCP)))
        {
            await("connection open", () -> pipeline.counters().tcpConnectionsOpen() == 1);
            client.getOutputStream().write(bytes("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n"));
            assertEquals(-1, client.getInputStream().read());
        }
        await("connection removed", () -> pipeline.counters().tcpConnectionsOpen() == 0);
        assertEquals(1, pipeline.counters().tcpMalformedStreams.get());
        assertEquals(0, engine.received.size());
    }

    @Test
    void shouldReuseConnectionThePeerOpenedForRequestsTowardIt() throws Exception
    {
        final String request = request("OPTIONS", "reuse@test", "z9hG4bK-r1", 1, "TCP", "");
        final String reverse = request("NOTIFY", "reverse@test", "z9hG4bK-r2", 7, "TCP", "");
        final AtomicReference<SipSender> sender = new AtomicReference<>();
        final AtomicReference<InetSocketAddress> peer = new AtomicReference<>();
        final UnsafeBuffer reverseBytes = new UnsafeBuffer(bytes(reverse));

        // A request toward the address the peer connected from, with no connection id: must reuse its socket.
        final InboundHandler engine = (event, endOfBatch) ->
        {
            if (event.type == InboundEvent.SIP)
            {
                peer.set(event.source);
                sender.get().send(Transport.TCP, event.source, 0, reverseBytes, 0, reverseBytes.capacity());
            }
        };

        pipeline = pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1"));
        sender.set(pipeline.sender());
        pipeline.start(engine);

        try (Socket client = connect(pipeline.localAddress(Transport.TCP)))
        {
            client.getOutputStream().write(bytes(request));
            assertEquals(reverse, readExactly(client.getInputStream(), bytes(reverse).length));
            assertEquals(client.getLocalSocketAddress(), peer.get());
        }

        assertEquals(0, pipeline.counters().tcpConnectionsConnected.get());
        assertEquals(1, pipeline.counters().tcpConnectionsAccepted.get());
        await("one sent", () -> pipeline.counters().tcpSent.get() == 1);
    }

    @Test
    void shouldOpenConnectionWhenNoneExistsAndReceiveOnIt() throws Exception
    {
        final String outbound = request("INVITE", "out@test", "z9hG4bK-o1", 1, "TCP", "v=0\r\n");
        final UnsafeBuffer outboundBytes = new UnsafeBuffer(bytes(outbound));
        final AtomicBoolean sendNow = new AtomicBoolean();
        final AtomicReference<InetSocketAddress> destination = new AtomicReference<>();
        final Queue<String> received = new ConcurrentLinkedQueue<>();
        final Queue<Long> connectionIds = new ConcurrentLinkedQueue<>();
        final AtomicReference<SipSender> sender = new AtomicReference<>();

        // Ticks drive the send, so the engine sends with no inbound connection at all.
        final InboundHandler engine = (event, endOfBatch) ->
        {
            if (event.type == InboundEvent.TICK && sendNow.compareAndSet(true, false))
            {
                sender.get().send(Transport.TCP, destination.get(), 0, outboundBytes, 0, outboundBytes.capacity());
                sender.get().send(Transport.TCP, destination.get(), 0, outboundBytes, 0, outboundBytes.capacity());
            }
            else if (event.type == InboundEvent.SIP)
            {
                received.add(event.data.getStringWithoutLengthAscii(0, event.length));
                connectionIds.add(event.connectionId);
            }
        };

        pipeline = pipeline(64, 5);
        sender.set(pipeline.sender());
        pipeline.start(engine);

        try (ServerSocket server = new ServerSocket(0, 10, address("127.0.0.1")))
        {
            server.setSoTimeout((int)TIMEOUT_MS);
            destination.set((InetSocketAddress)server.getLocalSocketAddress());
            sendNow.set(true);

            try (Socket accepted = server.accept())
            {
                accepted.setSoTimeout((int)TIMEOUT_MS);
                final int length = bytes(outbound).length;
                assertEquals(outbound + outbound, readExactly(accepted.getInputStream(), 2 * length));

                final String answer = response(200, "out@test", "z9hG4bK-o1", 1, "INVITE");
                accepted.getOutputStream().write(bytes(answer));
                await("answer received", () -> received.size() == 1);
                assertEquals(answer, received.peek());
                assertNotEquals(0L, connectionIds.peek());
            }
        }

        assertEquals(1, pipeline.counters().tcpConnectionsConnected.get());
        await("two sent", () -> pipeline.counters().tcpSent.get() == 2);
        await("closed by peer", () -> pipeline.counters().tcpConnectionsOpen() == 0);
    }

    @Test
    void shouldQueuePartialWritesAndDeliverEveryByteInOrderToASlowReader() throws Exception
    {
        final int messages = 48;
        final StringBuilder body = new StringBuilder();
        while (body.length() < 60_000)
        {
            body.append("a=padding:0123456789012345678901234567890123456789\r\n");
        }
        final String[] big = new String[messages];
        for (int i = 0; i < messages; i++)
        {
            big[i] = request("MESSAGE", "big-" + i + "@test", "z9hG4bK-b" + i, i + 1, "TCP", body.toString());
        }
        final AtomicReference<SipSender> sender = new AtomicReference<>();
        final AtomicBoolean parsed = new AtomicBoolean();

        // On the peer's request, the engine sends far more than the socket buffers hold, on its connection.
        final InboundHandler engine = (event, endOfBatch) ->
        {
            if (event.type == InboundEvent.SIP)
            {
                parsed.set(event.parsed && "trigger@test".contentEquals(event.message.callId()));
                for (final String message : big)
                {
                    final UnsafeBuffer bytes = new UnsafeBuffer(bytes(message));
                    sender.get().send(Transport.TCP, event.source, event.connectionId, bytes, 0, bytes.capacity());
                }
            }
        };

        pipeline = pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1"));
        sender.set(pipeline.sender());
        pipeline.start(engine);

        try (Socket client = new Socket())
        {
            client.setReceiveBufferSize(4096);
            client.connect(pipeline.localAddress(Transport.TCP), (int)TIMEOUT_MS);
            client.setSoTimeout((int)TIMEOUT_MS);
            client.getOutputStream().write(bytes(request("OPTIONS", "trigger@test", "z9hG4bK-tr", 1, "TCP", "")));

            // Everything is accepted for writing before the peer reads a byte: the rest waits in the queue.
            await("all handed to the connection", () -> pipeline.counters().tcpSent.get() == messages);
            final InputStream in = client.getInputStream();
            for (final String message : big)
            {
                assertEquals(message, readExactly(in, bytes(message).length));
            }
        }
        assertTrue(parsed.get(), "parse stage filled the slot's message");
        assertEquals(0, pipeline.counters().tcpSendDropped.get());
    }

    @Test
    void shouldDropQueuedMessagesAndForgetConnectionWhenConnectIsRefused() throws Exception
    {
        final InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, address("127.0.0.1")))
        {
            closedPort = (InetSocketAddress)probe.getLocalSocketAddress();
        }
        final UnsafeBuffer message = new UnsafeBuffer(bytes(request("OPTIONS", "refused@test", "z9hG4bK-n", 1,
            "TCP", "")));
        final AtomicBoolean sendNow = new AtomicBoolean(true);
        final AtomicReference<SipSender> sender = new AtomicReference<>();

        pipeline = pipeline(64, 5);
        sender.set(pipeline.sender());
        pipeline.start((event, endOfBatch) ->
        {
            if (event.type == InboundEvent.TICK && sendNow.compareAndSet(true, false))
            {
                sender.get().send(Transport.TCP, closedPort, 0, message, 0, message.capacity());
            }
        });

        await("message dropped", () -> pipeline.counters().tcpSendDropped.get() == 1);
        await("connection forgotten", () -> pipeline.counters().tcpConnectionsOpen() == 0);
        assertEquals(1, pipeline.counters().tcpConnectionsConnected.get());
    }

    private void shouldFrameSplitAndCoalescedMessages(final String host) throws Exception
    {
        final EchoEngine engine = new EchoEngine();
        pipeline = pipeline(64, 1_000, listen(Transport.TCP, host));
        engine.sender = pipeline.sender();
        pipeline.start(engine);

        final String first = request("INVITE", "split@test", "z9hG4bK-s1", 1, "TCP", "v=0\r\no=- 1 1 IN IP4 x\r\n");
        final String second = request("OPTIONS", "two-a@test", "z9hG4bK-s2", 2, "TCP", "");
        final String third = request("MESSAGE", "two-b@test", "z9hG4bK-s3", 3, "TCP", "hello");

        try (Socket client = connect(pipeline.localAddress(Transport.TCP)))
        {
            final OutputStream out = client.getOutputStream();
            final byte[] firstBytes = bytes(first);
            final int half = firstBytes.length / 2;
            out.write(bytes("\r\n\r\n"));
            out.write(firstBytes, 0, half);
            out.flush();
            await("connection open", () -> pipeline.counters().tcpConnectionsOpen() == 1);
            out.write(firstBytes, half, firstBytes.length - half);
            out.write(bytes(second + third));
            out.flush();

            final String expected = first + second + third;
            assertEquals(expected, readExactly(client.getInputStream(), bytes(expected).length));
        }

        assertEquals(3, engine.received.size());
        assertEquals(first, engine.received.poll());
        assertEquals(second, engine.received.poll());
        assertEquals(third, engine.received.poll());
        final long id = engine.connectionIds.poll();
        assertNotEquals(0L, id);
        assertEquals(id, engine.connectionIds.poll());
        assertEquals(3, pipeline.counters().tcpReceived.get());
        await("three sent", () -> pipeline.counters().tcpSent.get() == 3);
        await("connection removed", () -> pipeline.counters().tcpConnectionsOpen() == 0);
    }

    static Socket connect(final InetSocketAddress server) throws IOException
    {
        final Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, (int)TIMEOUT_MS);
        socket.setSoTimeout((int)TIMEOUT_MS);
        return socket;
    }

    static String readExactly(final InputStream in, final int length) throws IOException
    {
        final byte[] bytes = new byte[length];
        new DataInputStream(in).readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
