package dev.referee.ops.webhook;

import com.lmax.disruptor.RingBuffer;
import com.sun.net.httpserver.HttpServer;
import dev.referee.ring.InboundEvent;
import dev.referee.transport.InboundPublisher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real HTTP server on 127.0.0.1: what the webhook receives, and what lands in the inbound ring. */
class TransferWebhookClientTest
{
    private final RingBuffer<InboundEvent> ring = RingBuffer.createMultiProducer(InboundEvent::new, 16);
    private final BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
    private HttpServer server;
    private TransferWebhookClient client;

    private URI serve(final int status, final String answer) throws IOException
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/refer", exchange ->
        {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") +
                " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            final byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        });
        server.start();
        client = new TransferWebhookClient(new InboundPublisher(ring), Duration.ofSeconds(2));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/refer");
    }

    @AfterEach
    void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (server != null)
        {
            server.stop(0);
        }
    }

    private InboundEvent awaitAnswer() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The cursor moves when a slot is claimed; the slot is readable only once it is published.
        while (!ring.isAvailable(0) && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertTrue(ring.isAvailable(0), "an answer was published");
        return ring.get(0);
    }

    @Test
    void shouldPostTheJsonAndPublishAnAcceptWithANewTarget() throws Exception
    {
        final URI url = serve(200, "{\"action\":\"accept\",\"target\":\"sip:dave@example.com\"}");
        client.post(7, url, "{\"callId\":1}");
        final String request = received.poll(10, TimeUnit.SECONDS);
        assertEquals("POST application/json {\"callId\":1}", request);
        final InboundEvent event = awaitAnswer();
        assertEquals(InboundEvent.WEBHOOK, event.type);
        assertEquals(7, event.webhookRequestId);
        assertTrue(event.webhookAccept);
        assertEquals("sip:dave@example.com", event.data.getStringWithoutLengthAscii(0, event.length));
    }

    @Test
    void shouldPublishAReject() throws Exception
    {
        final URI url = serve(200, "{\"action\":\"reject\"}");
        client.post(8, url, "{}");
        final InboundEvent event = awaitAnswer();
        assertFalse(event.webhookAccept);
        assertEquals(0, event.length);
    }

    @Test
    void shouldPublishNothingForAnErrorSoTheEnginesTimeoutDecides() throws Exception
    {
        final URI url = serve(500, "oops");
        client.post(9, url, "{}");
        assertNotNull(received.poll(10, TimeUnit.SECONDS));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.failures() == 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(1, client.failures());
        assertFalse(ring.isAvailable(0), "nothing published");
    }
}
