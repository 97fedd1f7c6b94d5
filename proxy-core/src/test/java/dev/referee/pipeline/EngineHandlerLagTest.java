package dev.referee.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.referee.ring.FixedHistogram;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.ring.PipelineCounters;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine stage times how long each input waited in the ring (the metrics' input lag), before any stage runs. */
class EngineHandlerLagTest
{
    private static final long MS = 1_000_000L;

    private long nowNs;
    private final NanoClock clock = () -> nowNs;
    private final PipelineCounters counters = new PipelineCounters();
    private final List<Long> engineTimes = new ArrayList<>();

    @Test
    void shouldRecordEachInputsWaitFromItsReceiveStampBeforeAStageRestampsIt()
    {
        // The journal stage moves time onto the journal's time line after a recovery: the wait is measured before.
        final EventHandler<InboundEvent> restamp = (event, sequence, endOfBatch) -> event.timeNs += 1_000_000 * MS;
        final EngineHandler handler = new EngineHandler((event, endOfBatch) -> engineTimes.add(event.timeNs),
            new OutboundPublisher(RingBuffer.createSingleProducer(OutboundEvent::new, 16), counters),
            List.of(restamp), counters, clock);

        nowNs = 10 * MS;
        handler.onEvent(input(InboundEvent.TICK, 7 * MS), 0, false);   // waited 3 ms
        handler.onEvent(input(InboundEvent.SKIP, 1 * MS), 1, false);   // shed on receive: never reached the engine
        nowNs = 700 * MS;
        handler.onEvent(input(InboundEvent.TICK, 100 * MS), 2, true);  // waited 600 ms

        final FixedHistogram lag = counters.inputLagNs;
        assertEquals(2, lag.count());
        assertEquals(603 * MS, lag.sum());
        assertEquals(1, lag.count(bucketOf(lag, 5 * MS)), "3 ms: in the 2.5 ms to 5 ms bucket");
        assertEquals(1, lag.count(bucketOf(lag, 1_000 * MS)), "600 ms: in the 500 ms to 1 s bucket");
        assertEquals(List.of(1_000_007 * MS, 1_000_100 * MS), engineTimes);
    }

    private static InboundEvent input(final int type, final long timeNs)
    {
        final InboundEvent event = new InboundEvent();
        event.type = type;
        event.timeNs = timeNs;
        return event;
    }

    private static int bucketOf(final FixedHistogram histogram, final long upperBound)
    {
        for (int bucket = 0; bucket < histogram.bounds(); bucket++)
        {
            if (histogram.upperBound(bucket) == upperBound)
            {
                return bucket;
            }
        }
        throw new AssertionError("no bucket bounded by " + upperBound);
    }
}
