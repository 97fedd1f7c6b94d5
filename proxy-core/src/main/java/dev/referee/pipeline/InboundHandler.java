package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;

/** The engine stage: consumes inbound events on one thread, in ring order. */
@FunctionalInterface
public interface InboundHandler
{
    void onInbound(InboundEvent event, boolean endOfBatch);
}
