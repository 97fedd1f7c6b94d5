package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.ring.InboundEvent;
import dev.referee.pipeline.InboundHandler;
import dev.referee.sip.AsciiView;

/**
 * The engine's face to the inbound ring: decodes each {@link InboundEvent} and calls the {@link Engine} method for
 * it (message, tick, webhook answer) with the event's own time. It owns no duty cycle (the pipeline's engine thread
 * does), hence an adapter, not an agent. Engine thread only.
 */
public final class InboundAdapter implements InboundHandler
{
    private final Engine engine;
    private final AsciiView target = new AsciiView();

    public InboundAdapter(final Engine engine)
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
            case InboundEvent.TRANSPORT_FAILURE -> engine.onTransportFailure(event.transport, event.source, event.timeNs);
            case InboundEvent.MEDIA_IDLE -> engine.onMediaIdle(event.mediaEndpoint, event.timeNs);
            case InboundEvent.MEDIA_OPEN_FAILED -> engine.onMediaOpenFailed(event.mediaEndpoint, event.mediaPort,
                event.mediaFailure, event.timeNs);
            case InboundEvent.MEDIA_STATS -> engine.onMediaStats(event.mediaEndpoint, event.mediaFigures, event.timeNs);
            case InboundEvent.WEBHOOK -> engine.onWebhookAnswer(event.webhookRequestId, event.webhookAccept,
                target.wrap(event.data, 0, event.length), event.timeNs);
            case InboundEvent.CONFIG ->
            {
                engine.onReconfigure((EngineConfig)event.settings, event.timeNs);
                event.settings = null; // the engine holds it now; the ring need not
            }
            default ->
            {
                // SKIP slots never get here (EngineHandler passes over them) and no other type is published.
            }
        }
    }
}
