package dev.referee.transport;

import dev.referee.ring.Counter;

import java.util.concurrent.TimeUnit;

/**
 * Per-source flood control (Kamailio's pike, {@code security.flood}): a token bucket per source address, kept as
 * its theoretical arrival time (GCRA, RFC 2697's bucket with one number of state): each request moves it one
 * interval ({@code 1 s / rate}) later; a request that finds it more than {@code burst} intervals ahead of now is over
 * the rate, and its source is then blocked, every request dropped, for {@code block}. When the block ends the source
 * starts with a full bucket.
 * <p>
 * Bounded: a fixed open-addressing table of {@code capacity} sources, probed over {@link #PROBES} slots. A new source
 * that finds them all taken replaces the least useful one: a source whose bucket has refilled (it knows nothing a
 * fresh entry would not), else the one seen longest ago, a blocked source last. An attacker who spoofs many
 * addresses can therefore cut a block short, never make the table grow. The hash is seeded per table, so the slots
 * an address lands in cannot be aimed at from outside.
 * <p>
 * O(1) per request, no allocation. Time is the receive time the caller already read. One per receive thread: not
 * thread-safe.
 */
final class FloodGuard
{
    /** Sources tracked per receive thread by default: at 48 bytes each, 3 MiB. */
    static final int DEFAULT_CAPACITY = 65_536;
    static final int PROBES = 8;

    private final long intervalNs;
    private final long toleranceNs;
    private final long blockNs;
    private final long seed;
    private final int mask;
    private final boolean[] used;
    private final long[] keyHigh;
    private final long[] keyLow;
    private final long[] arrivalNs;
    private final long[] blockedUntilNs;
    private final long[] lastSeenNs;
    private final Counter blocks;

    /**
     * @param capacity sources tracked, rounded up to a power of two.
     * @param blocks   counts the blocks started (written by the owning thread only).
     */
    FloodGuard(final FloodConfig config, final int capacity, final long seed, final Counter blocks)
    {
        if (!config.enabled())
        {
            throw new IllegalArgumentException("flood control is off");
        }
        intervalNs = Math.max(1, TimeUnit.SECONDS.toNanos(1) / config.ratePerSecond());
        toleranceNs = intervalNs * (config.burst() - 1L);
        blockNs = TimeUnit.MILLISECONDS.toNanos(config.blockMs());
        this.seed = seed | 1;
        final int size = Integer.highestOneBit(Math.max(PROBES, capacity) - 1) << 1;
        mask = size - 1;
        used = new boolean[size];
        keyHigh = new long[size];
        keyLow = new long[size];
        arrivalNs = new long[size];
        blockedUntilNs = new long[size];
        lastSeenNs = new long[size];
        this.blocks = blocks;
    }

    /**
     * Counts one request from the source (high, low: its address as 128 bits) at {@code nowNs}.
     *
     * @return false when the request is to be dropped: the source is blocked, or this request put it over the rate.
     */
    boolean allow(final long high, final long low, final long nowNs)
    {
        final int slot = slotOf(high, low, nowNs);
        lastSeenNs[slot] = nowNs;
        if (blockedUntilNs[slot] != 0)
        {
            if (nowNs - blockedUntilNs[slot] < 0)
            {
                return false;
            }
            blockedUntilNs[slot] = 0;
            arrivalNs[slot] = nowNs;
        }
        final long arrival = Math.max(arrivalNs[slot], nowNs);
        if (arrival - nowNs > toleranceNs)
        {
            blockedUntilNs[slot] = nowNs + blockNs;
            if (blockedUntilNs[slot] == 0)
            {
                blockedUntilNs[slot] = 1; // 0 means "not blocked"; a nanosecond longer does not matter
            }
            blocks.increment();
            return false;
        }
        arrivalNs[slot] = arrival + intervalNs;
        return true;
    }

    /** True while the source is blocked (tests, status). */
    boolean blocked(final long high, final long low, final long nowNs)
    {
        int index = hash(high, low);
        for (int i = 0; i < PROBES; i++, index = (index + 1) & mask)
        {
            if (used[index] && keyHigh[index] == high && keyLow[index] == low)
            {
                return blockedUntilNs[index] != 0 && nowNs - blockedUntilNs[index] < 0;
            }
        }
        return false;
    }

    /** The slot of the source, claiming one (see the class comment for which) when it has none. */
    private int slotOf(final long high, final long low, final long nowNs)
    {
        final int start = hash(high, low);
        int victim = -1;
        int victimRank = Integer.MAX_VALUE;
        int index = start;
        for (int i = 0; i < PROBES; i++, index = (index + 1) & mask)
        {
            if (!used[index])
            {
                if (victimRank > 0)
                {
                    victim = index;
                    victimRank = 0;
                }
                continue;
            }
            if (keyHigh[index] == high && keyLow[index] == low)
            {
                return index;
            }
            final int rank = rank(index, nowNs);
            if (rank < victimRank || rank == victimRank && rank > 1 && older(index, victim))
            {
                victim = index;
                victimRank = rank;
            }
        }
        used[victim] = true;
        keyHigh[victim] = high;
        keyLow[victim] = low;
        arrivalNs[victim] = nowNs;
        blockedUntilNs[victim] = 0;
        return victim;
    }

    /** 0 free, 1 refilled (as good as free), 2 in use, 3 blocked: the lower, the sooner it is replaced. */
    private int rank(final int index, final long nowNs)
    {
        if (blockedUntilNs[index] != 0 && nowNs - blockedUntilNs[index] < 0)
        {
            return 3;
        }
        return arrivalNs[index] - nowNs <= 0 ? 1 : 2;
    }

    private boolean older(final int index, final int than)
    {
        return than < 0 || lastSeenNs[index] - lastSeenNs[than] < 0;
    }

    private int hash(final long high, final long low)
    {
        long hash = (high ^ seed) * 0x9E3779B97F4A7C15L;
        hash = (hash ^ low ^ (seed >>> 17)) * 0xBF58476D1CE4E5B9L;
        hash ^= hash >>> 31;
        return (int)hash & mask;
    }
}
