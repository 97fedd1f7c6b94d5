package dev.referee.engine;

import dev.referee.pipeline.InboundEvent;
import dev.referee.pipeline.InboundHandler;

/** The engine stage of the inbound ring: hands each event to the {@link Engine} with the event's own time. */
public final class EngineAgent implements InboundHandler
{
    private final Engine engine;
    private final dev.referee.sip.AsciiView target = new dev.referee.sip.AsciiView();

    public EngineAgent(final Engine engine)
    {
        this.engine = engine;
    }

    @Override
    public void onInbound(final InboundEvent event, final boolean endOfBatch)
    {
        switch (event.type)
        {
            case InboundEvent.SIP -> engine.onMessage(
                event.message, event.parsed, event.transport, event.source, event.connectionId, event.timeNs);
            case InboundEvent.TICK -> engine.onTick(event.timeNs);
            case InboundEvent.WEBHOOK -> engine.onWebhookAnswer(event.webhookRequestId, event.webhookAccept,
                target.wrap(event.data, 0, event.length), event.timeNs);
            default ->
            {
            }
        }
    }
}
