package dev.referee.pipeline;

import com.lmax.disruptor.EventHandler;

/**
 * Runs the engine's {@link InboundHandler} on the engine thread and, being the last stage of the inbound ring,
 * clears the slot's references so that addresses are not kept alive until the slot comes round again.
 */
final class EngineHandler implements EventHandler<InboundEvent>
{
    private final InboundHandler engine;
    private final OutboundPublisher sender;

    EngineHandler(final InboundHandler engine, final OutboundPublisher sender)
    {
        this.engine = engine;
        this.sender = sender;
    }

    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        sender.inputTimeNs(event.timeNs);
        try
        {
            engine.onInbound(event, endOfBatch);
        }
        finally
        {
            event.clear();
        }
    }
}
