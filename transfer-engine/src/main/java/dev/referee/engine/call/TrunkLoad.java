package dev.referee.engine.call;

import dev.referee.engine.config.TrunkConfig;

/**
 * One trunk's load against its {@code limits}: the calls counted against it and a token bucket for new calls per
 * second, refilled from engine time (never the wall clock, so replay refuses exactly what the live node refused).
 * Engine thread only.
 */
final class TrunkLoad
{
    /** Tokens are counted in billionths: refilling {@code cps} tokens per second is then {@code cps} per nanosecond. */
    static final long TOKEN = 1_000_000_000L;
    /** {@link #refilledNs} before the bucket was first used: it is full. */
    static final long NEVER = Long.MIN_VALUE;

    final TrunkConfig trunk;
    /** Row in the trunk counters: configuration order, the default trunk last. */
    final int index;
    /** Calls counted against the trunk now (see {@link TrunkAdmission}). */
    int calls;
    /** Tokens left, in billionths; at most one second's worth ({@code cps} tokens). */
    long tokens;
    /** Engine time of the last refill. */
    long refilledNs = NEVER;

    TrunkLoad(final TrunkConfig trunk, final int index)
    {
        this.trunk = trunk;
        this.index = index;
        this.tokens = capacity();
    }

    /** {@code limits.calls} calls are up already (0: no limit). */
    boolean atCallLimit()
    {
        final int max = trunk.calls().maxCalls();
        return max > 0 && calls >= max;
    }

    /**
     * Takes one token for a new call at {@code nowNs}; false when the bucket is empty (nothing taken). Always true
     * without {@code limits.cps}.
     */
    boolean takeToken(final long nowNs)
    {
        if (trunk.calls().callsPerSecond() <= 0)
        {
            return true;
        }
        refill(nowNs);
        if (tokens < TOKEN)
        {
            return false;
        }
        tokens -= TOKEN;
        return true;
    }

    private void refill(final long nowNs)
    {
        if (refilledNs != NEVER && nowNs > refilledNs)
        {
            // After a second the bucket is full whatever came before: capping the interval keeps the product in range.
            final long elapsedNs = Math.min(nowNs - refilledNs, TOKEN);
            tokens = Math.min(capacity(), tokens + elapsedNs * trunk.calls().callsPerSecond());
        }
        if (refilledNs == NEVER || nowNs > refilledNs)
        {
            refilledNs = nowNs;
        }
    }

    /** Bursts of one second's worth. */
    long capacity()
    {
        return Math.max(0, trunk.calls().callsPerSecond()) * TOKEN;
    }
}
