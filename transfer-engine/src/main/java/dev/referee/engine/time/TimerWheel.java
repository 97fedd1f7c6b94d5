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
 * {@code TimerWheelTest} runs both wheels side by side.
 * <p>
 * And each spoke grows on its own. Agrona's wheel doubles every spoke's slots when one spoke is full, so its memory is
 * the number of spokes times the fullest spoke: a node starved of CPU reads its socket's backlog in bursts, and the
 * timers of a burst's messages land in a few spokes, which in an overload run grew the wheel to 65,536 slots per
 * spoke (800 MB of the 1.5 GiB heap) and ended in an out-of-memory error. Here a spoke's slots are its own, twice the
 * most timers it has held at most, so the wheel's memory follows the timers it holds. The ids and the order stay the
 * same: a spoke's free slots past the timers it ever held are free in both wheels, and both take the first free one.
 * Engine thread only.
 */
final class TimerWheel
{
    /** The deadline of a free slot, and what {@link #deadline} returns for a timer not in the wheel. */
    static final long NULL_DEADLINE = Long.MAX_VALUE;
    /** Slots one spoke may have: ids keep the slot in 31 bits, and the engine's timers are bounded far below. */
    private static final int MAX_SLOTS_PER_SPOKE = 1 << 30;

    /** Sees one expired timer; its slot is free again by then. It must not schedule or cancel. */
    @FunctionalInterface
    interface ExpiryHandler
    {
        /** Timer {@code timerId}, due at {@code deadlineNs}, has expired. */
        void onExpiry(long timerId, long deadlineNs);
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
    /** Per spoke, its slots' deadlines; a spoke's slot count is a power of two, its own. */
    private final long[][] deadlines;
    /** Per spoke, the words whose bits say which of its slots hold a timer (at least one word). */
    private final long[][] occupied;
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
        deadlines = new long[spokes][];
        occupied = new long[spokes][];
        for (int spoke = 0; spoke < spokes; spoke++)
        {
            deadlines[spoke] = freeSlots(initialSlots);
            occupied[spoke] = new long[wordsFor(initialSlots)];
        }
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

    /** The slots of the fullest spoke: what Agrona's wheel would give every spoke. */
    int maxSlotsPerSpoke()
    {
        int max = 0;
        for (final long[] spoke : deadlines)
        {
            max = Math.max(max, spoke.length);
        }
        return max;
    }

    /** The slots of every spoke together: what the wheel's memory follows. */
    long slotsInAll()
    {
        long slots = 0;
        for (final long[] spoke : deadlines)
        {
            slots += spoke.length;
        }
        return slots;
    }

    /** Schedules a timer; its id. A deadline before the current tick goes in the current tick's spoke. */
    long scheduleTimer(final long deadline)
    {
        final long deadlineTick = Math.max((deadline - startTime) >> tickShift, currentTick);
        final int spoke = (int)(deadlineTick & tickMask);
        int slot = firstFreeSlot(spoke);
        if (slot < 0)
        {
            slot = deadlines[spoke].length;
            grow(spoke);
        }
        place(spoke, slot, deadline);
        return timerId(spoke, slot);
    }

    /** Cancels a timer; false when it is not in the wheel. */
    boolean cancelTimer(final long timerId)
    {
        final int spoke = spokeOf(timerId);
        if (spoke < 0 || deadlines[spoke][(int)timerId] == NULL_DEADLINE)
        {
            return false;
        }
        free(spoke, (int)timerId);
        return true;
    }

    /** The deadline of a timer in the wheel; {@link #NULL_DEADLINE} for one that is not. */
    long deadline(final long timerId)
    {
        final int spoke = spokeOf(timerId);
        return spoke < 0 ? NULL_DEADLINE : deadlines[spoke][(int)timerId];
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
            final long[] spokeDeadlines = deadlines[spoke];
            int slot = nextOccupied(spoke, 0);
            while (slot >= 0)
            {
                final long deadline = spokeDeadlines[slot];
                if (now >= deadline)
                {
                    free(spoke, slot);
                    expired++;
                    handler.onExpiry(timerId(spoke, slot), deadline);
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
                consumer.accept(deadlines[spoke][slot], timerId(spoke, slot));
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
        final long[] spokeDeadlines = deadlines[spoke];
        for (int slot = nextOccupied(spoke, 0); slot >= 0; slot = nextOccupied(spoke, slot + 1))
        {
            if (spokeDeadlines[slot] <= now)
            {
                return true;
            }
        }
        return false;
    }

    private int firstFreeSlot(final int spoke)
    {
        final long[] words = occupied[spoke];
        final int slots = deadlines[spoke].length;
        for (int w = 0; w < words.length; w++)
        {
            final long free = ~words[w];
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
        final long[] words = occupied[spoke];
        return nextSetBit(words, 0, words.length, from);
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
        deadlines[spoke][slot] = deadline;
        occupied[spoke][slot >>> 6] |= 1L << (slot & 63);
        nonEmptySpokes[spoke >>> 6] |= 1L << (spoke & 63);
        timerCount++;
    }

    private void free(final int spoke, final int slot)
    {
        final long[] words = occupied[spoke];
        final int word = slot >>> 6;
        deadlines[spoke][slot] = NULL_DEADLINE;
        words[word] &= ~(1L << (slot & 63));
        if (words[word] == 0 && nextOccupied(spoke, 0) < 0)
        {
            nonEmptySpokes[spoke >>> 6] &= ~(1L << (spoke & 63));
        }
        timerCount--;
    }

    /** The spoke of a timer id of this wheel's shape whose slot the spoke has; -1 for any other id. */
    private int spokeOf(final long timerId)
    {
        final int spoke = (int)(timerId >> 32);
        final int slot = (int)timerId;
        if (spoke < 0 || spoke >= spokes || slot < 0 || slot >= deadlines[spoke].length)
        {
            return -1;
        }
        return spoke;
    }

    /** {@code spoke} gets twice its slots (the others keep theirs). */
    private void grow(final int spoke)
    {
        final long[] old = deadlines[spoke];
        if (old.length >= MAX_SLOTS_PER_SPOKE)
        {
            throw new IllegalStateException("timer wheel spoke " + spoke + " full at " + old.length + " slots");
        }
        final long[] grown = freeSlots(old.length * 2);
        System.arraycopy(old, 0, grown, 0, old.length);
        deadlines[spoke] = grown;
        occupied[spoke] = Arrays.copyOf(occupied[spoke], wordsFor(grown.length));
    }

    private static long[] freeSlots(final int slots)
    {
        final long[] spoke = new long[slots];
        Arrays.fill(spoke, NULL_DEADLINE);
        return spoke;
    }

    private static int wordsFor(final int slots)
    {
        return Math.max(1, slots >>> 6);
    }

    private static long timerId(final int spoke, final int slot)
    {
        return ((long)spoke << 32) | slot;
    }
}
