package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.PipelineCounters;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

import java.util.concurrent.locks.LockSupport;

/**
 * Publishes a {@link InboundEvent#TICK} every interval so that engine timers fire when no traffic arrives.
 * A full ring skips the tick (counted): the next event's timestamp moves engine time forward anyway.
 * After a stall the ticker does not publish a burst of missed ticks; it resumes one interval after now.
 */
final class Ticker implements Runnable
{
    private final RingBuffer<InboundEvent> ring;
    private final long intervalNs;
    private final PipelineCounters counters;
    private volatile boolean running = true;

    Ticker(final RingBuffer<InboundEvent> ring, final long intervalNs, final PipelineCounters counters)
    {
        this.ring = ring;
        this.intervalNs = intervalNs;
        this.counters = counters;
    }

    public void run()
    {
        long deadlineNs = System.nanoTime() + intervalNs;
        while (running)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs < 0)
            {
                LockSupport.parkNanos(this, deadlineNs - nowNs);
                continue;
            }

            publishTick(nowNs);
            deadlineNs += intervalNs;
            if (deadlineNs - nowNs <= 0)
            {
                deadlineNs = nowNs + intervalNs;
            }
        }
    }

    /** Makes {@link #run} return soon; the caller unparks or interrupts the thread. */
    void stop()
    {
        running = false;
    }

    private void publishTick(final long nowNs)
    {
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            counters.ticksSkipped.increment();
            return;
        }

        final InboundEvent event = ring.get(sequence);
        event.type = InboundEvent.TICK;
        event.timeNs = nowNs;
        event.transport = 0;
        event.source = null;
        event.local = null;
        event.connectionId = 0;
        event.trunk = InboundEvent.NO_TRUNK;
        event.length = 0;
        event.parsed = false;
        ring.publish(sequence);
        counters.ticksPublished.increment();
    }
}
