package dev.referee.pipeline;

import com.lmax.disruptor.EventHandler;

/**
 * Parse stage: indexes each received SIP message in place in its slot ({@link InboundEvent#message}).
 * <p>
 * A separate stage rather than parsing in the receive threads, because: the receive threads then only move
 * bytes, so they drain socket buffers sooner (a full socket buffer loses datagrams silently, a full ring is at
 * least counted and answered with 503); parsing runs in parallel with the journal and replication stages
 * that will sit beside it; and a slot is claimed only for the time of a copy, so a producer never holds up
 * the others (the inbound ring has several producers and consumers stop at the first unpublished slot).
 * Revisit if a measurement shows the hand-off costs more than it gives on 2 cores.
 */
final class ParseHandler implements EventHandler<InboundEvent>
{
    private final PipelineCounters counters;

    ParseHandler(final PipelineCounters counters)
    {
        this.counters = counters;
    }

    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (event.type != InboundEvent.SIP)
        {
            event.parsed = false;
            return;
        }

        boolean parsed = false;
        try
        {
            parsed = event.message.parse(event.data, 0, event.length);
        }
        catch (final RuntimeException ex)
        {
            // A parser bug must not stop the pipeline: the engine sees an unparsed message and drops it.
            counters.parseHandlerErrors.increment();
        }

        event.parsed = parsed;
        if (!parsed)
        {
            counters.parseFailures.increment();
        }
    }
}
