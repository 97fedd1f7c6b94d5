package dev.referee.ops.webhook;

import dev.referee.engine.events.WebhookRequests;
import dev.referee.transport.InboundPublisher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks transfer webhooks (trunks[].transfer.webhook) for decisions: POSTs the engine's JSON from a thread of its own
 * and publishes the answer into the inbound ring, where the engine takes it like any other input (so it is also
 * journaled and replayed). A webhook that fails, answers non-2xx or says nothing usable is simply not heard: the
 * engine's webhook timeout then lets the trunk policy decide.
 * <p>
 * The answer body: {@code {"action":"accept"}}, {@code {"action":"accept","target":"sip:dave@example.com"}} or
 * {@code {"action":"reject"}}.
 */
public final class TransferWebhookClient implements WebhookRequests, AutoCloseable
{
    private static final Pattern ACTION = Pattern.compile("\"action\"\\s*:\\s*\"(accept|reject)\"");
    private static final Pattern TARGET = Pattern.compile("\"target\"\\s*:\\s*\"([^\"\\\\]*)\"");

    private final InboundPublisher inputs;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
    {
        final Thread thread = new Thread(runnable, "referee-webhook");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong answers = new AtomicLong();

    public TransferWebhookClient(final InboundPublisher inputs, final Duration timeout)
    {
        this.inputs = inputs;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().executor(executor).connectTimeout(timeout).build();
    }

    /** Engine thread: hands the request to the webhook thread and returns at once. */
    @Override
    public void post(final long requestId, final URI url, final String json)
    {
        executor.execute(() -> send(requestId, url, json));
    }

    /** Answers published into the ring. */
    public long answers()
    {
        return answers.get();
    }

    /** Requests that brought no usable answer (the policy decided at the engine's timeout). */
    public long failures()
    {
        return failures.get();
    }

    private void send(final long requestId, final URI url, final String json)
    {
        final HttpRequest request = HttpRequest.newBuilder(url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
            .whenComplete((response, error) ->
            {
                if (error != null || response.statusCode() / 100 != 2 || !publish(requestId, response.body()))
                {
                    failures.incrementAndGet();
                }
            });
    }

    private boolean publish(final long requestId, final String body)
    {
        final Matcher action = ACTION.matcher(body);
        if (!action.find())
        {
            return false;
        }
        final boolean accept = "accept".equals(action.group(1));
        final Matcher target = TARGET.matcher(body);
        final byte[] newTarget = accept && target.find() ? target.group(1).getBytes(StandardCharsets.US_ASCII) :
            new byte[0];
        // The answer's time is read here, off the engine, like a receive thread stamps a datagram.
        if (inputs.publishWebhookAnswer(requestId, accept, newTarget, System.nanoTime()))
        {
            answers.incrementAndGet();
            return true;
        }
        return false;
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
