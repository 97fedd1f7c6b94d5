package dev.referee.transport;

import dev.referee.ring.Counter;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flood bucket on a test clock: every time is an explicit nanosecond count. */
class FloodGuardTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SOURCE = 0x7F00_0003L; // 127.0.0.3
    private static final long OTHER = 0x7F00_0002L;

    private final Counter blocks = new Counter();
    /** 100 requests/s, bursts of 200, blocked for 10 s. */
    private final FloodGuard guard = new FloodGuard(new FloodConfig(100, 200, 10_000), 1024, 42, blocks);

    @Test
    void shouldLetABurstThroughThenBlockTheSourceForTheBlockTime()
    {
        final long start = 1_000 * MS;
        for (int i = 0; i < 200; i++)
        {
            assertTrue(guard.allow(0, SOURCE, start), "request " + i + " of the burst");
        }
        assertFalse(guard.allow(0, SOURCE, start), "one past the burst");
        assertEquals(1, blocks.get());

        // Blocked: even a pace far below the rate is dropped until the block ends.
        for (long t = start + 1_000 * MS; t < start + 10_000 * MS; t += 1_000 * MS)
        {
            assertFalse(guard.allow(0, SOURCE, t), "still blocked at " + (t - start) / MS + " ms");
        }
        assertEquals(1, blocks.get(), "a block is counted once");
        assertTrue(guard.allow(0, SOURCE, start + 10_000 * MS), "the block is over");
        // ...and the source starts again with a full bucket.
        for (int i = 1; i < 200; i++)
        {
            assertTrue(guard.allow(0, SOURCE, start + 10_000 * MS));
        }
        assertFalse(guard.allow(0, SOURCE, start + 10_000 * MS));
        assertEquals(2, blocks.get());
    }

    @Test
    void shouldNeverBlockASourceSendingSteadilyAtTheRate()
    {
        long t = 0;
        for (int i = 0; i < 100_000; i++, t += 10 * MS)
        {
            assertTrue(guard.allow(0, SOURCE, t), "request " + i);
        }
        assertEquals(0, blocks.get());
    }

    @Test
    void shouldBlockASourceSendingSlightlyAboveTheRateOnceItsBurstIsSpent()
    {
        // 110/s against 100/s: the bucket loses 10 a second, so 200 last some 20 s.
        long t = 0;
        int allowed = 0;
        while (guard.allow(0, SOURCE, t))
        {
            allowed++;
            t += TimeUnit.SECONDS.toNanos(1) / 110;
        }
        assertTrue(allowed > 2_000 && allowed < 2_400, "allowed before the block: " + allowed);
        assertTrue(guard.blocked(0, SOURCE, t));
    }

    @Test
    void shouldNotSlowAnotherSourceWhileOneIsBlocked()
    {
        for (int i = 0; i <= 200; i++)
        {
            guard.allow(0, SOURCE, 0);
        }
        assertTrue(guard.blocked(0, SOURCE, 0));

        for (int i = 0; i < 200; i++)
        {
            assertTrue(guard.allow(0, OTHER, MS), "other source, request " + i);
        }
        assertFalse(guard.blocked(0, OTHER, MS));
        assertTrue(guard.allow(1, SOURCE, MS), "an IPv6 address with the same low bits is another source");
    }

    @Test
    void shouldStayBoundedAndKeepBlocksThroughAChurnOfOneShotSources()
    {
        final FloodGuard small = new FloodGuard(new FloodConfig(100, 200, 60_000), 64, 7, blocks);
        for (int i = 0; i <= 200; i++)
        {
            small.allow(0, SOURCE, 0);
        }
        assertTrue(small.blocked(0, SOURCE, 0));

        // A million one-request sources (spoofed addresses) through a table of 64: each is let through (it is new),
        // and takes the place of an idle or a busy source, never of the blocked one.
        long t = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            t += MS / 1_000;
            assertTrue(small.allow(0, 0x0A00_0000L + i, t));
        }
        assertTrue(small.blocked(0, SOURCE, t), "a blocked source is replaced last");
        assertFalse(small.allow(0, SOURCE, t));
    }
}
