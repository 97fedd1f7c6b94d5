package dev.referee.engine.time;

import java.util.Arrays;

/**
 * A deadline timer wheel that hands out the same timer ids and expires timers in the same order as Agrona's
 * {@code DeadlineTimerWheel} (2.4.1), which the engine used until 2026-12-06 and which made the journals and snapshots
 * recorded so far: a timer goes in the first free slot of the spoke of its deadline's tick, its id is
 * {@code spoke << 32 | slot}, a full spoke doubles every spoke's slots, and a poll expires its spoke's due timers in
 * slot order. What differs is the cost. The engine's timers last up to 32 s on a wheel that turns in about a second,
 * so at 3,000 calls/s each spoke holds some 300 timers: Agrona's wheel looks for a free slot from slot 0 on (the
 * engine thread's top frame in a node under load) and a poll reads every slot of its spoke. Here each spoke also has a
 * bitmap of its occupied slots: the first free slot is the first clear bit, and a poll reads the occupied slots only.
 * {@code TimerWheelTest} runs both wheels side by side. Engine thread only.
 */
final class TimerWheel
{
    /** The deadline of a free slot, and what {@link #deadline} returns for a timer not in the wheel. */
    static final long NULL_DEADLINE = Long.MAX_VALUE;

    /** Sees one expired timer; its slot is free again by then. It must not schedule or cancel. */
    @FunctionalInterface
    interface ExpiryHandler
    {
        void onExpiry(long timerId);
    }

    /** Sees one timer of the wheel. */
    @FunctionalInterface
    interface TimerConsumer
    {
        void accept(long deadline, long timerId);
    }

    private final long startTime;
    private final int tickShift;
    private final int tickMask;
    private final int spokes;
    private long currentTick;
    private long timerCount;
    /** Slots per spoke, a power of two: 1 << slotShift. */
    private int slotShift;
    private long[] deadlines;
    /** Per spoke, {@code wordsPerSpoke} words whose bits say which slots hold a timer. */
    private long[] occupied;
    private int wordShift;
    /** A bit per spoke holding any timer: a long clock step finds the next due spoke in a few reads. */
    private final long[] nonEmptySpokes;

    /**
     * @param startTime     the time of tick 0.
     * @param tickTime      the length of a tick, a power of two (in the unit of every time given).
     * @param spokes        ticks per turn of the wheel, a power of two.
     * @param initialSlots  slots per spoke to start with, a power of two.
     */
    TimerWheel(final long startTime, final long tickTime, final int spokes, final int initialSlots)
    {
        if (Long.bitCount(tickTime) != 1 || Integer.bitCount(spokes) != 1 || Integer.bitCount(initialSlots) != 1)
        {
            throw new IllegalArgumentException("tick time, spokes and slots must be powers of two: " + tickTime + ", " +
                spokes + ", " + initialSlots);
        }
        this.startTime = startTime;
        this.tickShift = Long.numberOfTrailingZeros(tickTime);
        this.spokes = spokes;
        this.tickMask = spokes - 1;
        nonEmptySpokes = new long[Math.max(1, spokes >>> 6)];
        allocate(Integer.numberOfTrailingZeros(initialSlots));
        Arrays.fill(deadlines, NULL_DEADLINE);
    }

    long startTime()
    {
        return startTime;
    }

    long timerCount()
    {
        return timerCount;
    }

    /** The time at which the current tick ends: a poll moves on to the next tick once now has reached it. */
    long currentTickTime()
    {
        return ((currentTick + 1L) << tickShift) + startTime;
    }

    /** Moves the current tick to the one of {@code now}, never back. */
    void currentTickTime(final long now)
    {
        currentTick = Math.max((now - startTime) >> tickShift, currentTick);
    }

    /** Slots per spoke now. */
    int slotsPerSpoke()
    {
        return 1 << slotShift;
    }

    /** Schedules a timer; its id. A deadline before the current tick goes in the current tick's spoke. */
    long scheduleTimer(final long deadline)
    {
        final long deadlineTick = Math.max((deadline - startTime) >> tickShift, currentTick);
        final int spoke = (int)(deadlineTick & tickMask);
        final int slot = firstFreeSlot(spoke);
        if (slot < 0)
        {
            return grow(deadline, spoke);
        }
        place(spoke, slot, deadline);
        return timerId(spoke, slot);
    }

    /** Cancels a timer; false when it is not in the wheel. */
    boolean cancelTimer(final long timerId)
    {
        final int index = indexOf(timerId);
        if (index < 0 || deadlines[index] == NULL_DEADLINE)
        {
            return false;
        }
        free(index);
        return true;
    }

    /** The deadline of a timer in the wheel; {@link #NULL_DEADLINE} for one that is not. */
    long deadline(final long timerId)
    {
        final int index = indexOf(timerId);
        return index < 0 ? NULL_DEADLINE : deadlines[index];
    }

    /**
     * Expires the timers of the current tick's spoke that are due by {@code now}, in slot order, then moves to the next
     * tick if {@code now} has reached the end of this one. A timer whose deadline is a turn or more away shares the
     * spoke and stays. The handler must not change the wheel (EngineTimers collects the ids and calls the owners after
     * the poll).
     *
     * @return how many timers expired.
     */
    int poll(final long now, final ExpiryHandler handler)
    {
        int expired = 0;
        if (timerCount > 0)
        {
            final int spoke = (int)currentTick & tickMask;
            int slot = nextOccupied(spoke, 0);
            while (slot >= 0)
            {
                final int index = (spoke << slotShift) + slot;
                if (now >= deadlines[index])
                {
                    free(index);
                    expired++;
                    handler.onExpiry(timerId(spoke, slot));
                }
                slot = nextOccupied(spoke, slot + 1);
            }
        }
        if (now >= currentTickTime())
        {
            currentTick++;
        }
        return expired;
    }

    /** Every timer in the wheel, spoke by spoke and in slot order, that is in timer id order. */
    void forEach(final TimerConsumer consumer)
    {
        for (int spoke = 0; spoke < spokes; spoke++)
        {
            for (int slot = nextOccupied(spoke, 0); slot >= 0; slot = nextOccupied(spoke, slot + 1))
            {
                consumer.accept(deadlines[(spoke << slotShift) + slot], timerId(spoke, slot));
            }
        }
    }

    /**
     * The first tick from {@code fromTick} on (within one turn) whose spoke holds a timer due by {@code now}, or
     * {@link Long#MAX_VALUE}: where polling tick by tick would next expire something.
     */
    long firstTickWithTimerDue(final long fromTick, final long now)
    {
        final int fromSpoke = (int)fromTick & tickMask;
        int spoke = firstSpokeWithTimerDue(fromSpoke, spokes, now);
        if (spoke < 0)
        {
            spoke = firstSpokeWithTimerDue(0, fromSpoke, now);
        }
        return spoke < 0 ? Long.MAX_VALUE : fromTick + ((spoke - fromSpoke) & tickMask);
    }

    /** The first spoke in [{@code from}, {@code to}) holding a timer due by {@code now}; -1 when none. */
    private int firstSpokeWithTimerDue(final int from, final int to, final long now)
    {
        for (int spoke = nextSetBit(nonEmptySpokes, 0, nonEmptySpokes.length, from);
            spoke >= 0 && spoke < to;
            spoke = nextSetBit(nonEmptySpokes, 0, nonEmptySpokes.length, spoke + 1))
        {
            if (hasTimerDue(spoke, now))
            {
                return spoke;
            }
        }
        return -1;
    }

    private boolean hasTimerDue(final int spoke, final long now)
    {
        for (int slot = nextOccupied(spoke, 0); slot >= 0; slot = nextOccupied(spoke, slot + 1))
        {
            if (deadlines[(spoke << slotShift) + slot] <= now)
            {
                return true;
            }
        }
        return false;
    }

    private int firstFreeSlot(final int spoke)
    {
        final int words = wordsPerSpoke();
        final int base = spoke << wordShift;
        final int slots = 1 << slotShift;
        for (int w = 0; w < words; w++)
        {
            final long free = ~occupied[base + w];
            if (free != 0)
            {
                final int slot = (w << 6) + Long.numberOfTrailingZeros(free);
                return slot < slots ? slot : -1;
            }
        }
        return -1;
    }

    /** The first occupied slot of {@code spoke} at or after {@code from}; -1 when none. */
    private int nextOccupied(final int spoke, final int from)
    {
        return nextSetBit(occupied, spoke << wordShift, wordsPerSpoke(), from);
    }

    /**
     * The first set bit at or after {@code from} in the {@code count} words of {@code words} from {@code base} (bit 0
     * the lowest of the first word); -1 when none. Bits past a spoke's slots or the wheel's spokes are never set.
     */
    private static int nextSetBit(final long[] words, final int base, final int count, final int from)
    {
        int w = from >>> 6;
        if (w >= count)
        {
            return -1;
        }
        long bits = words[base + w] & (-1L << (from & 63));
        while (bits == 0)
        {
            if (++w >= count)
            {
                return -1;
            }
            bits = words[base + w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(bits);
    }

    private void place(final int spoke, final int slot, final long deadline)
    {
        deadlines[(spoke << slotShift) + slot] = deadline;
        occupied[(spoke << wordShift) + (slot >>> 6)] |= 1L << (slot & 63);
        nonEmptySpokes[spoke >>> 6] |= 1L << (spoke & 63);
        timerCount++;
    }

    private void free(final int index)
    {
        final int spoke = index >>> slotShift;
        final int slot = index & ((1 << slotShift) - 1);
        final int word = (spoke << wordShift) + (slot >>> 6);
        deadlines[index] = NULL_DEADLINE;
        occupied[word] &= ~(1L << (slot & 63));
        if (occupied[word] == 0 && nextOccupied(spoke, 0) < 0)
        {
            nonEmptySpokes[spoke >>> 6] &= ~(1L << (spoke & 63));
        }
        timerCount--;
    }

    /** The index in {@link #deadlines} of a timer id of this wheel's shape; -1 for any other id. */
    private int indexOf(final long timerId)
    {
        final int spoke = (int)(timerId >> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= spokes || slot < 0 || slot >= 1 << slotShift)
        {
            return -1;
        }
        return (spoke << slotShift) + slot;
    }

    /** Every spoke gets twice the slots; the timer goes in the first new slot of its spoke. */
    private long grow(final long deadline, final int spoke)
    {
        final int oldShift = slotShift;
        final int oldSlots = 1 << oldShift;
        if ((long)spokes << (oldShift + 1) > 1 << 30)
        {
            throw new IllegalStateException("timer wheel full at " + oldSlots + " slots per spoke");
        }
        final long[] oldDeadlines = deadlines;
        final long[] oldOccupied = occupied;
        final int oldWordShift = wordShift;
        allocate(oldShift + 1);
        Arrays.fill(deadlines, NULL_DEADLINE);
        final int oldWords = 1 << oldWordShift;
        for (int s = 0; s < spokes; s++)
        {
            System.arraycopy(oldDeadlines, s << oldShift, deadlines, s << slotShift, oldSlots);
            System.arraycopy(oldOccupied, s << oldWordShift, occupied, s << wordShift, oldWords);
        }
        place(spoke, oldSlots, deadline);
        return timerId(spoke, oldSlots);
    }

    private void allocate(final int newSlotShift)
    {
        slotShift = newSlotShift;
        wordShift = Math.max(0, newSlotShift - 6);
        deadlines = new long[spokes << newSlotShift];
        occupied = new long[spokes << wordShift];
    }

    private int wordsPerSpoke()
    {
        return 1 << wordShift;
    }

    private static long timerId(final int spoke, final int slot)
    {
        return ((long)spoke << 32) | slot;
    }
}
