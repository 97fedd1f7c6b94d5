package dev.referee.pipeline;

import dev.referee.ring.OutboundEvent;

/**
 * Sees every message the engine sent, on the send thread, after the send stage handed it to its transport (so that
 * observing never delays a send). The journal records outputs this way; proxy-core itself knows nothing of it.
 * The event is only valid during the call.
 */
@FunctionalInterface
public interface OutboundObserver
{
    /** Observes nothing. */
    OutboundObserver NONE = (event, endOfBatch) ->
    {
    };

    void onOutbound(OutboundEvent event, boolean endOfBatch);
}
