package dev.referee.engine.events;

import java.net.URI;

/**
 * Where the engine asks a transfer webhook for a decision. Called on the engine thread: an implementation posts
 * asynchronously and returns at once; the answer comes back as an engine input
 * ({@link dev.referee.engine.Engine#onWebhookAnswer}), so it is journaled and replayed like any other input.
 */
@FunctionalInterface
public interface WebhookRequests
{
    /** Posts nothing: every webhook times out and the trunk policy decides (also what replay uses). */
    WebhookRequests NONE = (requestId, url, json) ->
    {
    };

    /** POSTs {@code json} to {@code url}; the answer must carry {@code requestId} back. */
    void post(long requestId, URI url, String json);
}
