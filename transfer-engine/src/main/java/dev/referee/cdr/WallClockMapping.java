package dev.referee.cdr;

/**
 * Turns engine time ({@code System.nanoTime()} of the thread that stamped the input) into wall-clock time. The
 * conversion lives here, on the writer side, so that the engine never reads the wall clock.
 */
public final class WallClockMapping
{
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

    /**
     * The engine time of now, read off the wall clock (outside the engine): what a record's due time, itself engine
     * time, is compared with. Under {@link #capture()} it is about {@code System.nanoTime()}; in a cluster, whose
     * engine time is the log's epoch nanoseconds ({@code of(0, 0)}), it is those.
     */
    public long engineNsNow()
    {
        return System.currentTimeMillis() * NANOS_PER_MILLI - epochNsMinusNanoTime;
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
        return appendIso(new StringBuilder(24), engineNs).toString();
    }

    /**
     * Appends {@link #iso(long)}'s text to {@code out} without allocating: the call-record writer formats four times
     * per leg, and {@code DateTimeFormatter} allocated more than the rest of the record.
     */
    public StringBuilder appendIso(final StringBuilder out, final long engineNs)
    {
        final long epochMs = epochMs(engineNs);
        final long epochDay = Math.floorDiv(epochMs, MILLIS_PER_DAY);
        final int msOfDay = (int)Math.floorMod(epochMs, MILLIS_PER_DAY);
        CivilDate.append(out, epochDay).append('T');
        twoDigits(out, msOfDay / 3_600_000).append(':');
        twoDigits(out, msOfDay / 60_000 % 60).append(':');
        twoDigits(out, msOfDay / 1000 % 60).append('.');
        final int millis = msOfDay % 1000;
        return out.append((char)('0' + millis / 100)).append((char)('0' + millis / 10 % 10))
            .append((char)('0' + millis % 10)).append('Z');
    }

    static StringBuilder twoDigits(final StringBuilder out, final int value)
    {
        return out.append((char)('0' + value / 10)).append((char)('0' + value % 10));
    }
}
