package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.EngineProgress;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The engine's lag as admission control reads it, on a ring with several producers. */
class EngineProgressTest
{
    private static final long NOW_NS = TimeUnit.SECONDS.toNanos(1_000);

    private final RingBuffer<InboundEvent> ring =
        RingBuffer.createMultiProducer(InboundEvent::new, 8, new BlockingWaitStrategy());
    private final EngineProgress progress = new EngineProgress(ring);

    @Test
    void shouldMeasureTheAgeOfTheOldestPublishedInputTheEngineHasNotFinished()
    {
        progress.engineSequence(new Sequence(-1));
        publish(NOW_NS - TimeUnit.MILLISECONDS.toNanos(300));
        publish(NOW_NS - TimeUnit.MILLISECONDS.toNanos(100));

        assertEquals(2, progress.backlog());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(300), progress.lagNs(NOW_NS));
        assertEquals(0, progress.lagNsBefore(0, NOW_NS), "nothing waits before the first slot");
    }

    /**
     * A slot claimed by another producer (the ticker, the TCP thread) and not yet published still holds the receive
     * time of its last lap round the ring. Read as the oldest input's time, it made a lag of seconds out of nothing
     * and shed calls at random (JournalReplayInteropTest, one call of 10,300 on a quiet machine).
     */
    @Test
    void shouldNotTakeTheStaleTimeOfAClaimedButUnpublishedSlotForLag()
    {
        progress.engineSequence(new Sequence(-1));
        final long claimed = ring.next(); // slot 0: its timeNs is still 0, from no lap at all
        assertEquals(0, progress.lagNsBefore(claimed + 1, NOW_NS));

        ring.get(claimed).timeNs = NOW_NS - TimeUnit.MILLISECONDS.toNanos(50);
        ring.publish(claimed);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), progress.lagNsBefore(claimed + 1, NOW_NS));
    }

    private void publish(final long timeNs)
    {
        final long sequence = ring.next();
        ring.get(sequence).timeNs = timeNs;
        ring.publish(sequence);
    }
}
