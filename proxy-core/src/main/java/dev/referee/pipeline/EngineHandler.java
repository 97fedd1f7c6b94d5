package dev.referee.pipeline;

import dev.referee.sip.SipStatus;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.PipelineCounters;

import com.lmax.disruptor.EventHandler;
import org.agrona.concurrent.NanoClock;
import dev.referee.sip.Responses;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Runs the added inbound stages (the journal) and then the engine's {@link InboundHandler} on the engine thread
 * and, being the last stage of the inbound ring, clears the slot's references so that addresses are not kept alive
 * until the slot comes round again. It also tells the sender the engine time of the input being handled, which
 * every message sent while handling it carries ({@link OutboundEvent#timeNs}).
 * <p>
 * An input that a stage could not take (the journal could not append it) is not applied: the engine never sees it,
 * so the journal and the engine's state never part and replay never diverges. A request among such inputs is
 * answered {@code 503} with Retry-After (its sender tries again later), the rest are dropped, and each is counted
 * ({@link PipelineCounters#inputsRefused}): an alarm, as the journal is failing.
 * <p>
 * It reads the clock once per input, before any stage, to record how long the input waited in the ring
 * ({@link PipelineCounters#inputLagNs}); that reading goes to the counters only, never to the engine, whose time is
 * the input's receive stamp.
 */
final class EngineHandler implements EventHandler<InboundEvent>
{
    private final InboundHandler engine;
    private final OutboundPublisher sender;
    private final EventHandler<InboundEvent>[] stages;
    private final PipelineCounters counters;
    private final NanoClock clock;
    private final UnsafeBuffer refusal = new UnsafeBuffer(new byte[InboundEvent.MAX_MESSAGE_LENGTH]);
    private final SipMessageWriter writer = new SipMessageWriter();

    /** Retry-After of the 503 for an input the journal could not take. */
    static final int REFUSED_RETRY_AFTER_SECONDS = 5;

    @SuppressWarnings("unchecked")
    EngineHandler(final InboundHandler engine, final OutboundPublisher sender,
        final List<EventHandler<InboundEvent>> stages, final PipelineCounters counters, final NanoClock clock)
    {
        this.clock = clock;
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
            // Before the stages: after a recovery the journal stage moves timeNs onto the journal's time line.
            counters.inputLagNs.record(clock.nanoTime() - event.timeNs);
            boolean taken = true;
            for (final EventHandler<InboundEvent> stage : stages)
            {
                taken &= runStage(stage, event, sequence, endOfBatch);
            }
            sender.inputTimeNs(event.timeNs);
            if (taken)
            {
                engine.onInbound(event, endOfBatch);
            }
            else
            {
                refuse(event);
            }
        }
        finally
        {
            event.clear();
            if (endOfBatch)
            {
                sender.flushUdp(); // pipeline.udp-send: engine: the batch's datagrams leave together
            }
        }
    }

    /** An input the journal could not take: a request gets a stateless 503, anything else is dropped. */
    private void refuse(final InboundEvent event)
    {
        counters.inputsRefused.increment();
        if (event.type != InboundEvent.SIP || !event.parsed || !event.message.isRequest() ||
            event.message.method() == SipMethod.ACK)
        {
            return;
        }
        writer.wrap(refusal, 0);
        if (Responses.error(event.message, SipStatus.SERVICE_UNAVAILABLE,
            SipStatus.reasonPhrase(SipStatus.SERVICE_UNAVAILABLE), "journal unavailable", "Referee",
            REFUSED_RETRY_AFTER_SECONDS, writer) != null)
        {
            sender.send(event.transport, event.source, event.connectionId, refusal, 0, writer.length());
        }
    }

    /** @return false when the stage failed on this input. */
    private boolean runStage(
        final EventHandler<InboundEvent> stage, final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        try
        {
            stage.onEvent(event, sequence, endOfBatch);
            return true;
        }
        catch (final Exception ex)
        {
            // Logged at the 1st, 2nd, 4th, 8th... failure so that a full disk does not flood the log at every tick.
            counters.inboundStageErrors.increment();
            final long failures = counters.inboundStageErrors.get();
            if ((failures & (failures - 1)) == 0)
            {
                // " call=<Call-ID>" (the log's convention, docs/operations.md "Logging") when the input is a message.
                final String call = event.parsed && event.message.callId() != null ?
                    " call=" + event.message.callId() : "";
                System.getLogger(EngineHandler.class.getName())
                    .log(System.Logger.Level.WARNING, "inbound stage failed (" + failures + " failures so far): " +
                        "the input is not applied" + call, ex);
            }
            return false;
        }
    }
}
