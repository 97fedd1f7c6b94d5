package dev.referee.ring;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A distribution with fixed bucket bounds, one writer thread and any number of readers (the metrics scrape). The
 * bounds are chosen once, so recording allocates nothing and the memory is fixed: the writer finds the bucket by a
 * short scan and makes an ordered store, as {@link Counter} does, with no lock and no atomic add.
 * <p>
 * A reader sees each bucket's count and the sum as of some recent moment, not all of them at the same one: a
 * scrape taken while the writer records may count a value in its bucket and not yet in the sum. Prometheus
 * tolerates that; nothing here needs better.
 */
public final class FixedHistogram
{
    private final long[] upperBounds;
    /** Per bucket, not cumulative; the last one counts values above every bound. */
    private final AtomicLongArray counts;
    private final Counter sum = new Counter();

    /** {@code upperBounds}: inclusive, ascending, at least one; a bucket above the last is added. */
    public FixedHistogram(final long... upperBounds)
    {
        if (upperBounds.length == 0)
        {
            throw new IllegalArgumentException("no bucket bounds");
        }
        for (int i = 1; i < upperBounds.length; i++)
        {
            if (upperBounds[i] <= upperBounds[i - 1])
            {
                throw new IllegalArgumentException("bucket bounds not ascending: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new AtomicLongArray(upperBounds.length + 1);
    }

    /** Writer thread only. A negative value counts as 0. */
    public void record(final long value)
    {
        final long clamped = Math.max(0, value);
        int bucket = 0;
        while (bucket < upperBounds.length && clamped > upperBounds[bucket])
        {
            bucket++;
        }
        counts.setRelease(bucket, counts.getPlain(bucket) + 1);
        sum.add(clamped);
    }

    /** Bounded buckets (the one above the last bound not included). */
    public int bounds()
    {
        return upperBounds.length;
    }

    public long upperBound(final int bucket)
    {
        return upperBounds[bucket];
    }

    /**
     * Values recorded in bucket {@code bucket} alone (not cumulative): at most {@link #upperBound} and above the
     * bound before; {@code bucket == bounds()} is the one above every bound. Any thread.
     */
    public long count(final int bucket)
    {
        return counts.getAcquire(bucket);
    }

    /** The sum of every value recorded. Any thread. */
    public long sum()
    {
        return sum.get();
    }

    /** Values recorded. Any thread. */
    public long count()
    {
        long total = 0;
        for (int bucket = 0; bucket <= upperBounds.length; bucket++)
        {
            total += count(bucket);
        }
        return total;
    }
}
