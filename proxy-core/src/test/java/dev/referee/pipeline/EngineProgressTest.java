package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.EngineProgress;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's lag as admission control reads it, on a ring with several producers. */
class EngineProgressTest
{
    private static final long NOW_NS = TimeUnit.SECONDS.toNanos(1_000);

    private final RingBuffer<InboundEvent> ring =
        RingBuffer.createMultiProducer(InboundEvent::new, 8, new BlockingWaitStrategy());
    private final AtomicLong clockNs = new AtomicLong();
    private final EngineProgress progress = new EngineProgress(ring, clockNs::get);

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

    /**
     * A planned pause (a journal snapshot) lasts, for admission control, from its start until the engine has handled
     * every input published before its end: those inputs' lag is the pause's. An input published after the end is
     * judged by its own lag again once those are handled.
     */
    @Test
    void shouldCatchUpWithAPauseUntilEveryInputPublishedBeforeItsEndIsHandled()
    {
        final Sequence engine = new Sequence(-1);
        progress.engineSequence(engine);
        assertFalse(progress.catchingUpWithPause(), "never paused");
        publish(NOW_NS - 900);
        progress.pauseBegins();
        assertTrue(progress.catchingUpWithPause());
        publish(NOW_NS - 800);
        publish(NOW_NS - 700); // inputs 0 to 2 wait for the pause
        assertEquals(900, progress.lagNs(NOW_NS), "the lag shows the pause");
        clockNs.set(700_000_000);
        progress.pauseEnds();
        assertEquals(1, progress.pauses());
        assertEquals(700_000_000, progress.pausedNs(), "timed for operators");
        assertTrue(progress.catchingUpWithPause(), "nothing handled yet");
        publish(NOW_NS - 100); // input 3: after the pause's end, queued behind those that waited for it
        engine.set(1);
        assertTrue(progress.catchingUpWithPause(), "input 2 still waits");
        engine.set(2);
        assertFalse(progress.catchingUpWithPause(), "every input published before the end handled");
        assertEquals(1, progress.backlog(), "input 3 still queued");
        assertEquals(100, progress.lagNs(NOW_NS));
    }

    private void publish(final long timeNs)
    {
        final long sequence = ring.next();
        ring.get(sequence).timeNs = timeNs;
        ring.publish(sequence);
    }
}
