package dev.referee.pipeline;

import com.lmax.disruptor.EventHandler;

import java.util.List;

/**
 * Runs the added inbound stages (the journal) and then the engine's {@link InboundHandler} on the engine thread
 * and, being the last stage of the inbound ring, clears the slot's references so that addresses are not kept alive
 * until the slot comes round again. It also tells the sender the engine time of the input being handled, which
 * every message sent while handling it carries ({@link OutboundEvent#timeNs}).
 */
final class EngineHandler implements EventHandler<InboundEvent>
{
    private final InboundHandler engine;
    private final OutboundPublisher sender;
    private final EventHandler<InboundEvent>[] stages;
    private final PipelineCounters counters;

    @SuppressWarnings("unchecked")
    EngineHandler(final InboundHandler engine, final OutboundPublisher sender,
        final List<EventHandler<InboundEvent>> stages, final PipelineCounters counters)
    {
        this.engine = engine;
        this.sender = sender;
        this.stages = stages.toArray(new EventHandler[0]);
        this.counters = counters;
    }

    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            if (event.type == InboundEvent.SKIP)
            {
                return; // shed or absorbed on the receive thread: neither journaled nor seen by the engine
            }
            for (final EventHandler<InboundEvent> stage : stages)
            {
                runStage(stage, event, sequence, endOfBatch);
            }
            sender.inputTimeNs(event.timeNs);
            engine.onInbound(event, endOfBatch);
        }
        finally
        {
            event.clear();
        }
    }

    private void runStage(
        final EventHandler<InboundEvent> stage, final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            stage.onEvent(event, sequence, endOfBatch);
        }
        catch (final Exception ex)
        {
            // A journal that cannot append must not stop the calls: count it and let the engine have the event. Logged
            // at the 1st, 2nd, 4th, 8th... failure so that a full disk does not flood the log at every tick.
            counters.inboundStageErrors.increment();
            final long failures = counters.inboundStageErrors.get();
            if ((failures & (failures - 1)) == 0)
            {
                System.getLogger(EngineHandler.class.getName())
                    .log(System.Logger.Level.WARNING, "inbound stage failed (" + failures + " failures so far)", ex);
            }
        }
    }
}
