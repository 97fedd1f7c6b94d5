package dev.referee.engine.time;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;

import java.util.concurrent.TimeUnit;

/**
 * All engine timers (RFC 3261 Timers A..K, 2xx retransmission, call timers) on one timer wheel, driven by input
 * timestamps: time only moves when an input (a message or a tick) says it has. Engine thread only.
 */
public final class EngineTimers implements DeadlineTimerWheel.TimerHandler
{
    /** Returned for "no timer"; never a valid id. */
    public static final long NO_TIMER = DeadlineTimerWheel.NULL_DEADLINE;

    /** About one millisecond: SIP timers are hundreds of milliseconds, finer ticks only cost polls. */
    private static final long TICK_RESOLUTION_NS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;

    private final Long2ObjectHashMap<TimerOwner> owners = new Long2ObjectHashMap<>();
    /** Timers found due by a poll; dispatched after it, because owners reschedule and the wheel must not change mid-poll. */
    private final LongArrayList expired = new LongArrayList();
    private DeadlineTimerWheel wheel;
    private long nowNs;

    /** Schedules a timer {@code delayNs} after the current engine time. */
    public long schedule(final long delayNs, final TimerOwner owner)
    {
        final long timerId = wheel().scheduleTimer(nowNs + delayNs);
        owners.put(timerId, owner);
        return timerId;
    }

    /** Cancels a timer; harmless for {@link #NO_TIMER} or a timer that already expired. Returns NO_TIMER. */
    public long cancel(final long timerId)
    {
        if (timerId != NO_TIMER && owners.remove(timerId) != null)
        {
            wheel.cancelTimer(timerId);
        }
        return NO_TIMER;
    }

    /** Moves engine time to {@code nowNs} (never backwards) and fires every timer due by then, in deadline order. */
    public int advance(final long nowNs)
    {
        if (wheel == null)
        {
            this.nowNs = nowNs;
            return 0;
        }
        if (nowNs > this.nowNs)
        {
            this.nowNs = nowNs;
        }
        int fired = 0;
        // The wheel moves one tick per poll while timers are pending: poll until it has caught up with now.
        while (wheel.timerCount() > 0 && wheel.currentTickTime() <= this.nowNs)
        {
            wheel.poll(this.nowNs, this, Integer.MAX_VALUE);
            fired += dispatchExpired();
        }
        if (wheel.timerCount() == 0)
        {
            wheel.currentTickTime(this.nowNs);
        }
        return fired;
    }

    private int dispatchExpired()
    {
        int fired = 0;
        for (int i = 0, n = expired.size(); i < n; i++)
        {
            final long timerId = expired.getLong(i);
            final TimerOwner owner = owners.remove(timerId);
            if (owner != null)
            {
                fired++;
                owner.onTimer(timerId, nowNs);
            }
        }
        expired.clear();
        return fired;
    }

    public long nowNs()
    {
        return nowNs;
    }

    /** Timers pending. */
    public int count()
    {
        return owners.size();
    }

    @Override
    public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        expired.addLong(timerId);
        return true;
    }

    private DeadlineTimerWheel wheel()
    {
        if (wheel == null)
        {
            // Started at the first input's time so that replay from the same inputs builds the same wheel.
            wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL);
        }
        return wheel;
    }
}
