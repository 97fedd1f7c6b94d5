package dev.referee.transport;

import dev.referee.pipeline.InboundHandler;
import dev.referee.pipeline.SipPipeline;
import dev.referee.ring.InboundEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverloadTest
{
    private static final int RING_SIZE = 8;
    private static final int REQUESTS = 40;

    private final CountDownLatch release = new CountDownLatch(1);
    private SipPipeline pipeline;

    /** The engine stalls on its first event, so the inbound ring fills and stays full. */
    private final InboundHandler stalledEngine = (event, endOfBatch) ->
    {
        try
        {
            release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    };

    @AfterEach
    void after()
    {
        release.countDown();
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldAnswerNewRequestsWith503OverUdpWhenInboundRingIsFullAndDropTheRest() throws Exception
    {
        pipeline = pipeline(RING_SIZE, 1_000, listen(Transport.UDP, "127.0.0.1"));
        pipeline.start(stalledEngine);
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(address("127.0.0.1"), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            client.setReceiveBufferSize(1 << 20);
            final Set<String> sent = new HashSet<>();
            for (int i = 0; i < REQUESTS; i++)
            {
                // OPTIONS: new work that admission control does not shed (it sheds new calls), so the ring fills.
                final byte[] request = bytes(request("OPTIONS", "flood-" + i + "@test", "z9hG4bK-f" + i, 100 + i,
                    "UDP", ""));
                sent.add(key("flood-" + i + "@test", (100 + i) + " OPTIONS", "z9hG4bK-f" + i));
                client.send(new DatagramPacket(request, request.length, server));
                // One at a time, so that the socket buffer of the pipeline cannot overflow the test.
                final int expected = i + 1;
                await("request " + i + " read", () -> pipeline.counters().udpReceived.get() == expected);
            }

            // The receive thread counts a datagram before it answers it: wait until every request is either in the
            // ring or answered, or the last 503 may still be on its way.
            await("every request queued or answered", () -> pipeline.counters().udpOverloadResponses.get() +
                RING_SIZE - pipeline.inboundRemainingCapacity() == REQUESTS);
            final long answered = pipeline.counters().udpOverloadResponses.get();
            assertEquals(REQUESTS - RING_SIZE, answered, "503s: the ring holds RING_SIZE requests, the rest get 503");
            assertEquals(answered, pipeline.counters().overloadResponses());

            final byte[] buffer = new byte[65_535];
            for (int i = 0; i < answered; i++)
            {
                final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                client.receive(packet);
                assertOverloadAnswer(new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8), sent);
            }

            // Neither a response, an ACK, a CANCEL nor a request of an established dialog gets a 503: dropped
            // (their senders retransmit), while the ring is full.
            final byte[] ack = bytes(request("ACK", "flood-0@test", "z9hG4bK-f0", 100, "UDP", ""));
            final byte[] ok = bytes(response(200, "flood-1@test", "z9hG4bK-x", 5, "BYE"));
            final byte[] cancel = bytes(request("CANCEL", "flood-2@test", "z9hG4bK-f2", 102, "UDP", ""));
            final byte[] bye = bytes(request("BYE", "dialog@test", "z9hG4bK-d1", 7, "UDP", "")
                .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b1"));
            for (final byte[] message : new byte[][]{ack, ok, cancel, bye})
            {
                client.send(new DatagramPacket(message, message.length, server));
            }
            await("ACK, response, CANCEL and BYE dropped", () -> pipeline.counters().udpInboundDropped.get() == 4);
            assertEquals(answered, pipeline.counters().udpOverloadResponses.get());
            assertEquals(0, pipeline.inboundRemainingCapacity());
        }
    }

    @Test
    void shouldAnswerRequestsWith503OnTheSameTcpConnectionWhenInboundRingIsFull() throws Exception
    {
        pipeline = pipeline(RING_SIZE, 1_000, listen(Transport.TCP, "127.0.0.1"));
        pipeline.start(stalledEngine);

        try (Socket client = TcpTransportTest.connect(pipeline.localAddress(Transport.TCP)))
        {
            final Set<String> sent = new HashSet<>();
            final StringBuilder flood = new StringBuilder();
            for (int i = 0; i < REQUESTS; i++)
            {
                flood.append(request("OPTIONS", "tcp-" + i + "@test", "z9hG4bK-t" + i, i + 1, "TCP", ""));
                sent.add(key("tcp-" + i + "@test", (i + 1) + " OPTIONS", "z9hG4bK-t" + i));
            }
            client.getOutputStream().write(bytes(flood.toString()));
            await("all read", () -> pipeline.counters().tcpReceived.get() == REQUESTS);
            await("every request queued or answered", () -> pipeline.counters().tcpOverloadResponses.get() +
                RING_SIZE - pipeline.inboundRemainingCapacity() == REQUESTS);

            final long answered = pipeline.counters().tcpOverloadResponses.get();
            assertEquals(REQUESTS - RING_SIZE, answered, "503s: the ring holds RING_SIZE requests, the rest get 503");
            final InputStream in = client.getInputStream();
            for (int i = 0; i < answered; i++)
            {
                assertOverloadAnswer(readMessage(in), sent);
            }
        }
    }

    /**
     * Over TCP nobody sends a message again, so a dialog's request, an ACK or a response that finds the ring full is
     * neither refused nor dropped: it waits on its connection, which is not read meanwhile (TCP's window holds the
     * peer back), and reaches the engine, in order, once the engine frees slots. New requests still get 503.
     */
    @Test
    void shouldHoldADialogsMessagesOnTcpWhileTheRingIsFullAndDeliverThemAllInOrder() throws Exception
    {
        final List<String> handled = new CopyOnWriteArrayList<>();
        final InboundHandler countingStalledEngine = (event, endOfBatch) ->
        {
            if (event.type == InboundEvent.SIP)
            {
                handled.add(event.message.callId() + " " + event.message.cseqMethodName());
            }
            stalledEngine.onInbound(event, endOfBatch);
        };
        pipeline = pipeline(RING_SIZE, 1_000, listen(Transport.TCP, "127.0.0.1"));
        pipeline.start(countingStalledEngine);

        try (Socket client = TcpTransportTest.connect(pipeline.localAddress(Transport.TCP)))
        {
            final StringBuilder fill = new StringBuilder();
            for (int i = 0; i < RING_SIZE; i++)
            {
                fill.append(request("OPTIONS", "fill-" + i + "@test", "z9hG4bK-o" + i, i + 1, "TCP", ""));
            }
            client.getOutputStream().write(bytes(fill.toString()));
            await("the ring full", () -> pipeline.inboundRemainingCapacity() == 0);

            final String bye = request("BYE", "dialog@test", "z9hG4bK-d1", 7, "TCP", "")
                .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b1");
            final String ack = request("ACK", "dialog@test", "z9hG4bK-d0", 6, "TCP", "")
                .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b1");
            final String ok = response(200, "dialog@test", "z9hG4bK-x", 8, "BYE");
            final String reInvite = request("INVITE", "dialog@test", "z9hG4bK-d2", 9, "TCP", "")
                .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b1");
            client.getOutputStream().write(bytes(ack + bye + ok + reInvite));
            await("the first waits for a slot", () -> pipeline.counters().tcpHeldForRing.get() == 1);
            assertEquals(0, pipeline.counters().tcpInboundDropped.get(), "nothing dropped");
            assertEquals(0, pipeline.counters().tcpOverloadResponses.get(), "nothing refused");

            release.countDown();
            await("every message reached the engine", () -> handled.size() == RING_SIZE + 4);
            assertEquals(List.of("dialog@test ACK", "dialog@test BYE", "dialog@test BYE", "dialog@test INVITE"),
                handled.subList(RING_SIZE, RING_SIZE + 4), "in the order sent");
            assertEquals(0, pipeline.counters().tcpInboundDropped.get());

            client.getOutputStream().write(bytes(request("OPTIONS", "after@test", "z9hG4bK-a", 1, "TCP", "")));
            await("the connection is read again", () -> handled.size() == RING_SIZE + 5);
        }
    }

    private static void assertOverloadAnswer(final String message, final Set<String> sent)
    {
        assertTrue(message.startsWith("SIP/2.0 503 Service Unavailable\r\n"), message);
        final String via = header(message, "Via");
        final String branch = via.substring(via.indexOf("branch=") + "branch=".length());
        assertTrue(sent.remove(key(header(message, "Call-ID"), header(message, "CSeq"), branch)),
            "answers a request sent, once: " + message);
        assertTrue(header(message, "Warning").contains("overloaded"), message);
        assertTrue(header(message, "To").contains("tag="), message);
    }

    private static String key(final String callId, final String cseq, final String branch)
    {
        return callId + '|' + cseq + '|' + branch;
    }

    /** Reads one message without a body (a 503) from a stream: up to the blank line. */
    private static String readMessage(final InputStream in) throws Exception
    {
        final StringBuilder text = new StringBuilder();
        while (!(text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new AssertionError("connection closed after: " + text);
            }
            text.append((char)b);
        }
        assertEquals("0", header(text.toString(), "Content-Length"));
        return text.toString();
    }
}
