package dev.referee.ops.journal;

import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns engine time (monotonic nanoseconds) into wall-clock time, from the (engine time, wall clock) pairs that the
 * node-start and recovered records carry, and the configuration records written with snapshots (which carry them on
 * past retention; 0 when the writer had none): each record is placed after the latest such anchor before it.
 */
final class WallClock
{
    private final List<long[]> anchors = new ArrayList<>();

    void observe(final JournalRecord record)
    {
        if (record.type == RecordType.NODE_START || record.type == RecordType.RECOVERED ||
            record.type == RecordType.CONFIG && record.wallClockMs != 0)
        {
            anchors.add(new long[]{ record.timeNs, record.wallClockMs });
        }
    }

    long wallClockNs(final long timeNs)
    {
        long[] anchor = anchors.isEmpty() ? new long[]{ timeNs, 0 } : anchors.get(0);
        for (final long[] candidate : anchors)
        {
            if (candidate[0] <= timeNs)
            {
                anchor = candidate;
            }
        }
        return anchor[1] * 1_000_000L + (timeNs - anchor[0]);
    }

    Instant instant(final long timeNs)
    {
        final long ns = wallClockNs(timeNs);
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }

    /** ISO-8601 UTC with milliseconds. */
    String format(final long timeNs)
    {
        final Instant instant = instant(timeNs);
        return Instant.ofEpochMilli(instant.toEpochMilli()).toString();
    }
}
