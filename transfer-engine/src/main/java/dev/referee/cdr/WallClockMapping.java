package dev.referee.cdr;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Turns engine time ({@code System.nanoTime()} of the thread that stamped the input) into wall-clock time. The
 * conversion lives here, on the writer side, so that the engine never reads the wall clock.
 */
public final class WallClockMapping
{
    private static final DateTimeFormatter ISO_MILLIS =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private final long epochNsMinusNanoTime;

    /**
     * @param epochNsMinusNanoTime add this to an engine time to get nanoseconds since the Unix epoch.
     */
    public WallClockMapping(final long epochNsMinusNanoTime)
    {
        this.epochNsMinusNanoTime = epochNsMinusNanoTime;
    }

    /** The mapping of this JVM now: reads both clocks once, so call it outside the engine, at node start. */
    public static WallClockMapping capture()
    {
        final long nanoTime = System.nanoTime();
        final long epochMs = System.currentTimeMillis();
        return new WallClockMapping(epochMs * NANOS_PER_MILLI - nanoTime);
    }

    /** The mapping under which engine time {@code engineNs} is the wall-clock time {@code epochMs}. */
    public static WallClockMapping of(final long engineNs, final long epochMs)
    {
        return new WallClockMapping(epochMs * NANOS_PER_MILLI - engineNs);
    }

    public long epochMs(final long engineNs)
    {
        return Math.floorDiv(engineNs + epochNsMinusNanoTime, NANOS_PER_MILLI);
    }

    /** Days since the epoch in UTC: which daily file a record goes to. */
    public long epochDay(final long engineNs)
    {
        return Math.floorDiv(epochMs(engineNs), MILLIS_PER_DAY);
    }

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-21T08:02:43.120Z}. */
    public String iso(final long engineNs)
    {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMs(engineNs)));
    }
}
