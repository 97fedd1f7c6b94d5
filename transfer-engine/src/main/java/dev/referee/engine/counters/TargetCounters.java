package dev.referee.engine.counters;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per route target with keepalive (issue 12, docs/routing.md): whether it is up now, the OPTIONS pings sent, and how
 * often it went down and came up. One row per target, named "udp:10.0.0.1:5060". The engine thread writes (single
 * writer, ordered stores); the admin thread reads.
 */
public final class TargetCounters
{
    /** 1 while the target answers its pings, 0 once one went unanswered (a gauge). */
    public static final int UP = 0;
    public static final int PINGS = 1;
    public static final int WENT_DOWN = 2;
    public static final int CAME_UP = 3;
    private static final int SLOTS = 4;

    /** No target has keepalive. */
    public static final TargetCounters NONE = new TargetCounters(List.of());

    private final List<String> names;
    private final AtomicLongArray values;

    public TargetCounters(final List<String> names)
    {
        this.names = List.copyOf(names);
        this.values = new AtomicLongArray(names.size() * SLOTS);
    }

    public List<String> names()
    {
        return names;
    }

    public long get(final int target, final int counter)
    {
        return values.getAcquire(target * SLOTS + counter);
    }

    public void increment(final int target, final int counter)
    {
        final int index = target * SLOTS + counter;
        values.setRelease(index, values.getPlain(index) + 1);
    }

    /** Row {@code target} takes the values of row {@code from} of {@code source}. */
    public void copyRow(final int target, final TargetCounters source, final int from)
    {
        for (int counter = 0; counter < SLOTS; counter++)
        {
            set(target, counter, source.get(from, counter));
        }
    }

    public void set(final int target, final int counter, final long value)
    {
        values.setRelease(target * SLOTS + counter, value);
    }
}
