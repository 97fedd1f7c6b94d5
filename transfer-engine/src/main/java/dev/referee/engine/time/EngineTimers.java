package dev.referee.engine.time;

import org.agrona.collections.LongArrayList;

/**
 * All engine timers (RFC 3261 Timers A..K, 2xx retransmission, call timers) on one timer wheel, driven by input
 * timestamps: time only moves when an input (a message or a tick) says it has. Engine thread only.
 */
public final class EngineTimers implements TimerWheel.ExpiryHandler
{
    /** Returned for "no timer"; never a valid id. */
    public static final long NO_TIMER = TimerWheel.NULL_DEADLINE;
    private static final long NOT_FIRING = Long.MIN_VALUE;

    /** About one millisecond: SIP timers are hundreds of milliseconds, finer ticks only cost polls. */
    private static final long TICK_RESOLUTION_NS = 1L << 20;
    private static final int TICKS_PER_WHEEL = 1024;
    private static final int TICK_SHIFT = Long.numberOfTrailingZeros(TICK_RESOLUTION_NS);

    /** The wheel's initial slots per spoke; the owners' table starts with as many. */
    private static final int INITIAL_SLOTS_PER_SPOKE = 16;

    /**
     * The owner of each timer. Usually every timer in the wheel has one, but a timer can stay in the wheel with no
     * owner (see {@link #dispatchExpired}), and it still expires at its spoke.
     */
    private final TimerOwners owners = new TimerOwners(TICKS_PER_WHEEL, INITIAL_SLOTS_PER_SPOKE);
    /** Timers found due by a poll; dispatched after it, because owners reschedule and the wheel must not change mid-poll. */
    private final LongArrayList expired = new LongArrayList();
    /** The deadline of each timer in {@link #expired}, at the same index. */
    private final LongArrayList expiredDeadlines = new LongArrayList();
    /** The deadline of the timer whose owner is being called, or {@link #NOT_FIRING}. */
    private long firingDeadlineNs = NOT_FIRING;
    private boolean retransmissionsFromDeadline;
    private TimerWheel wheel;
    private long nowNs;

    /** Schedules a timer {@code delayNs} after the current engine time. */
    public long schedule(final long delayNs, final TimerOwner owner)
    {
        return scheduleAt(nowNs + delayNs, owner);
    }

    /**
     * Whether {@link #scheduleRetransmission} counts from the deadline of the timer that fires (node-start version 10
     * on, EngineConfig.retransmitsFromDeadline) or from the engine's time (journals made before).
     */
    public void retransmissionsFromDeadline(final boolean fromDeadline)
    {
        retransmissionsFromDeadline = fromDeadline;
    }

    /**
     * Schedules the next retransmission of a message {@code intervalNs} after the one its owner sends now, from the
     * timer that fired (Timers A, E and G, a 2xx's, a reliable provisional's). Counted from that timer's deadline
     * rather than from the engine's time: after a stall (a collection, a snapshot, a core short of CPU) every timer
     * that came due during it fires in one {@link #advance}, at one time, and timers rescheduled from that time would
     * all come due together again, a burst of retransmissions at each interval, the cohort growing with every stall
     * (seen as spokes of 32,768 timers under overload). From the deadline, each keeps its own phase; one late by more
     * than half an interval goes between half an interval and an interval from now, at the same phase modulo half an
     * interval ({@link #nextDeadline}), so that none catches up with a burst either. Outside an owner's call, or for a
     * journal made before, the same as {@link #schedule}.
     */
    public long scheduleRetransmission(final long intervalNs, final TimerOwner owner)
    {
        if (!retransmissionsFromDeadline || firingDeadlineNs == NOT_FIRING)
        {
            return schedule(intervalNs, owner);
        }
        return scheduleAt(nextDeadline(firingDeadlineNs, nowNs, intervalNs), owner);
    }

    private long scheduleAt(final long deadlineNs, final TimerOwner owner)
    {
        final long timerId = wheel().scheduleTimer(deadlineNs);
        owners.put(timerId, owner);
        return timerId;
    }

    /**
     * The deadline {@code intervalNs} after a timer due at {@code deadlineNs} that fires at {@code nowNs}: exactly
     * that while it leaves at least half an interval from now; for a timer later than that, between half an interval
     * and an interval from now, by its lateness modulo half an interval (timers that fired together stay apart).
     */
    static long nextDeadline(final long deadlineNs, final long nowNs, final long intervalNs)
    {
        final long next = deadlineNs + intervalNs;
        final long half = Math.max(1, intervalNs / 2);
        if (next - nowNs >= half)
        {
            return next;
        }
        return nowNs + half + Math.floorMod(nowNs - deadlineNs, half);
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

    /**
     * Moves engine time to {@code nowNs} (never backwards) and fires every timer due by then: tick by tick, and within
     * a tick in slot order. A poll expires every timer of its spoke due by now, so after a long step a timer can fire
     * at an earlier tick than its own (one wheel turn or more before it).
     */
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
        // The wheel moves one tick per poll while timers are pending: poll until it has caught up with now. The last
        // tick polled is the one before now's (a poll moves on only once now has passed the end of its tick).
        final long lastTick = ((this.nowNs - wheel.startTime()) >> TICK_SHIFT) - 1;
        while (wheel.timerCount() > 0 && wheel.currentTickTime() <= this.nowNs)
        {
            final long tick = currentTick();
            // A poll of a spoke that holds no timer due by now changes nothing but the tick. Over a long step (a clock
            // jump of seconds is thousands of ticks) finding the next spoke that does costs less than polling each:
            // go there directly, or to the end when there is none; the wheel ends as tick-by-tick polling leaves it.
            if (lastTick - tick >= wheel.timerCount())
            {
                final long dueTick = wheel.firstTickWithTimerDue(tick, this.nowNs);
                if (dueTick > lastTick)
                {
                    wheel.currentTickTime(this.nowNs);
                    break;
                }
                wheel.currentTickTime(wheel.startTime() + (dueTick << TICK_SHIFT));
            }
            wheel.poll(this.nowNs, this);
            fired += dispatchExpired();
        }
        if (wheel.timerCount() == 0)
        {
            wheel.currentTickTime(this.nowNs);
        }
        return fired;
    }

    /** Sees a pending timer (for a snapshot). */
    @FunctionalInterface
    public interface PendingTimer
    {
        void accept(long timerId, long deadlineNs, TimerOwner owner);
    }

    /** How many timers {@link #forEachPending} sees. */
    public int pendingCount()
    {
        return owners.size();
    }

    /**
     * Every pending timer, by timer id (an order that does not depend on hashing). Between inputs only. The wheel's
     * slots are in id order already (an id is its spoke, then its slot), so nothing is sorted: at 3,000 calls/s a
     * snapshot sees some 300,000 timers.
     */
    public void forEachPending(final PendingTimer consumer)
    {
        if (wheel == null)
        {
            return;
        }
        wheel.forEach((deadlineNs, timerId) ->
        {
            final TimerOwner owner = owners.get(timerId);
            if (owner != null)
            {
                consumer.accept(timerId, deadlineNs, owner);
            }
        });
    }

    /** True once the first timer was scheduled (the wheel starts at that input's time). */
    public boolean hasWheel()
    {
        return wheel != null;
    }

    public long wheelStartTimeNs()
    {
        return wheel.startTime();
    }

    /** The wheel's current tick, as the time its next poll looks at. */
    public long wheelTickTimeNs()
    {
        return wheel.currentTickTime();
    }

    /**
     * Rebuilds the timers of a snapshot in an engine that has none yet. The timer ids are part of the state (owners
     * hold them), and so is each timer's place in its spoke (timers due in the same tick fire in that order), so
     * every timer goes back in the very slot it had: the wheel fills a spoke's first free slot, so the slots before
     * it are filled first, with the real timers of those slots or with placeholders cancelled afterwards.
     */
    public void restore(final long nowNs, final long startTimeNs, final long tickTimeNs, final long[] timerIds,
        final long[] deadlinesNs, final TimerOwner[] timerOwners)
    {
        if (wheel != null || !owners.isEmpty())
        {
            throw new IllegalStateException("timers restore into an engine that has none");
        }
        this.nowNs = nowNs;
        if (startTimeNs == Long.MIN_VALUE)
        {
            return;
        }
        wheel = new TimerWheel(startTimeNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL, INITIAL_SLOTS_PER_SPOKE);
        wheel.currentTickTime(tickTimeNs - TICK_RESOLUTION_NS);
        if (wheel.currentTickTime() != tickTimeNs)
        {
            throw new IllegalStateException("timer wheel tick " + tickTimeNs + " cannot be restored");
        }
        final int shift = Long.numberOfTrailingZeros(TICK_RESOLUTION_NS);
        final long currentTick = ((tickTimeNs - startTimeNs) >> shift) - 1;
        final Integer[] order = new Integer[timerIds.length];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        // Spoke by spoke, slots in order (the timer id is spoke << 32 | slot).
        java.util.Arrays.sort(order, (x, y) -> Long.compare(timerIds[x], timerIds[y]));
        final LongArrayList placeholders = new LongArrayList();
        int spoke = -1;
        int nextSlot = 0;
        for (final int i : order)
        {
            final int timerSpoke = (int)(timerIds[i] >>> 32);
            final int slot = (int)timerIds[i];
            if (timerSpoke != spoke)
            {
                spoke = timerSpoke;
                nextSlot = 0;
            }
            final long placeholderTick = currentTick + ((spoke - currentTick) & (TICKS_PER_WHEEL - 1));
            final long placeholderNs = startTimeNs + (placeholderTick << shift);
            for (; nextSlot < slot; nextSlot++)
            {
                placeholders.addLong(wheel.scheduleTimer(placeholderNs));
            }
            final long timerId = wheel.scheduleTimer(deadlinesNs[i]);
            if (timerId != timerIds[i])
            {
                throw new IllegalStateException("timer " + timerIds[i] + " came back as " + timerId);
            }
            owners.put(timerId, timerOwners[i]);
            nextSlot++;
        }
        for (int i = 0; i < placeholders.size(); i++)
        {
            wheel.cancelTimer(placeholders.getLong(i));
        }
    }

    /** The wheel's current tick (the one its next poll looks at), counted from its start. */
    private long currentTick()
    {
        return ((wheel.currentTickTime() - wheel.startTime()) >> TICK_SHIFT) - 1;
    }

    /**
     * Gives each timer a poll found due to its owner. An owner may cancel a timer found due in the same poll, or
     * schedule one that takes the slot of a timer found due after its own: that timer's id then names the new timer,
     * whose owner is called now (and the new timer stays in the wheel with no owner). Replay depends on this order;
     * the journals recorded so far were made with it.
     */
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
                firingDeadlineNs = expiredDeadlines.getLong(i);
                owner.onTimer(timerId, nowNs);
                firingDeadlineNs = NOT_FIRING;
            }
        }
        expired.clear();
        expiredDeadlines.clear();
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

    /** Timers in the wheel: the pending ones, and any left there with no owner ({@link #dispatchExpired}). */
    long timersInWheel()
    {
        return wheel == null ? 0 : wheel.timerCount();
    }

    @Override
    public void onExpiry(final long timerId, final long deadlineNs)
    {
        expired.addLong(timerId);
        expiredDeadlines.addLong(deadlineNs);
    }

    private TimerWheel wheel()
    {
        if (wheel == null)
        {
            // Started at the first input's time so that replay from the same inputs builds the same wheel.
            wheel = new TimerWheel(nowNs, TICK_RESOLUTION_NS, TICKS_PER_WHEEL, INITIAL_SLOTS_PER_SPOKE);
        }
        return wheel;
    }
}
