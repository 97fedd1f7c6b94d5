package dev.referee.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class WallClockMappingTest
{
    private static final DateTimeFormatter REFERENCE =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    /**
     * A call record waiting for media figures is due at its end plus a wait, in engine time: "now" must be engine time
     * too, the log's epoch nanoseconds in a cluster (it was System.nanoTime() there, and such records never came due).
     */
    @Test
    void shouldGiveNowInEngineTimeForANodeAndForAClusterMember()
    {
        final long nodeNow = WallClockMapping.capture().engineNsNow();
        assertTrue(Math.abs(nodeNow - System.nanoTime()) < 50_000_000L, "a node's engine time is nanoTime's");
        final long memberNow = WallClockMapping.of(0, 0).engineNsNow();
        assertTrue(Math.abs(memberNow - System.currentTimeMillis() * 1_000_000L) < 50_000_000L,
            "a member's engine time is the epoch's nanoseconds");
    }

    @Test
    void shouldFormatEngineTimeAsIsoUtcWithMilliseconds()
    {
        final WallClockMapping clock = WallClockMapping.of(5_000_000_000L, 1_795_248_163_120L);

        assertEquals("2026-11-21T08:02:43.120Z", clock.iso(5_000_000_000L));
        assertEquals("2026-11-21T08:02:43.121Z", clock.iso(5_001_999_999L));
        assertEquals("2026-11-21T08:02:43.119Z", clock.iso(4_999_999_999L));
    }

    @Test
    void shouldAgreeWithJavaTimeAroundCalendarEdges()
    {
        final String[] edges = {
            "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.000Z",
            "2000-03-01T00:00:00.000Z", "2100-02-28T23:59:59.999Z", "2100-03-01T00:00:00.000Z",
            "2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00.000Z", "1900-02-28T00:00:00.001Z",
            "1700-03-01T00:00:00.000Z", "2200-12-31T23:59:59.999Z" };
        for (final String edge : edges)
        {
            // Engine time is a nanosecond count near zero; the mapping carries the epoch offset.
            final WallClockMapping clock = WallClockMapping.of(7 * NANOS_PER_MILLI, Instant.parse(edge).toEpochMilli());
            assertEquals(edge, clock.iso(7 * NANOS_PER_MILLI), edge);
        }
    }

    @Test
    void shouldAgreeWithJavaTimeOnEveryDayOfFourHundredYearsAndRandomInstants()
    {
        // Epoch nanoseconds, which the mapping adds up, fit a long from 1677 to 2262.
        final long originMs = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
        final WallClockMapping clock = WallClockMapping.of(0, originMs);
        final long firstDay = Instant.parse("1800-01-01T00:00:00Z").toEpochMilli() / 86_400_000L;
        for (long day = firstDay; day < firstDay + 146_097L; day++)
        {
            final long epochMs = day * 86_400_000L + 43_210_987L;
            assertEquals(REFERENCE.format(Instant.ofEpochMilli(epochMs)), clock.iso((epochMs - originMs) * NANOS_PER_MILLI));
        }

        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++)
        {
            final long epochMs = random.nextLong(-5_364_662_400_000L, 7_258_118_400_000L); // 1800 to 2200
            assertEquals(REFERENCE.format(Instant.ofEpochMilli(epochMs)), clock.iso((epochMs - originMs) * NANOS_PER_MILLI));
        }
    }
}
