package dev.referee.engine.counters;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per trunk, what its call policy did (issue 7, "Who may send calls"): calls up now, the new calls and Replaces it
 * refused, by rule, and its digest challenges and failures. One row per configured trunk, in configuration order,
 * then one for the default trunk (addresses in no trunk): the trunks are a fixed list, so the memory is fixed too. The engine thread writes (single writer, ordered
 * stores), the admin thread reads.
 */
public final class TrunkCounters
{
    /** Calls counted against the trunk now (a gauge). */
    public static final int CALLS = 0;
    /** New INVITEs refused 403: the route they match is not one of {@code trunks[].routes}. */
    public static final int ROUTE_REFUSED = 1;
    /** New INVITEs refused 503: {@code limits.calls} calls were up. */
    public static final int CALL_LIMIT_REFUSED = 2;
    /** New INVITEs refused 503: {@code limits.cps} was spent. */
    public static final int RATE_REFUSED = 3;
    /** INVITEs and REFERs whose Replaces named a dialog the requester may not replace: 403. */
    public static final int REPLACES_REFUSED = 4;
    /** INVITEs and REFERs answered 407 by the trunk's {@code auth} (every challenge, the first of each UA too). */
    public static final int AUTH_CHALLENGED = 5;
    /** Of those, the ones that carried credentials that did not verify (wrong user, password, nonce or uri). */
    public static final int AUTH_FAILED = 6;
    private static final int SLOTS = 7;

    /** No trunks: what an engine publishes before it knows its configuration. */
    public static final TrunkCounters NONE = new TrunkCounters(List.of());

    private final List<String> names;
    private final AtomicLongArray values;

    /** {@code names}: the trunks' names in configuration order, the default trunk's last. */
    public TrunkCounters(final List<String> names)
    {
        this.names = List.copyOf(names);
        this.values = new AtomicLongArray(names.size() * SLOTS);
    }

    public List<String> names()
    {
        return names;
    }

    public long get(final int trunk, final int counter)
    {
        return values.getAcquire(trunk * SLOTS + counter);
    }

    /** The sum of {@code counter} over every trunk. */
    public long total(final int counter)
    {
        long total = 0;
        for (int trunk = 0; trunk < names.size(); trunk++)
        {
            total += get(trunk, counter);
        }
        return total;
    }

    public void increment(final int trunk, final int counter)
    {
        final int index = trunk * SLOTS + counter;
        // Single writer: a plain read then an ordered store is enough, and cheaper than a CAS.
        values.setRelease(index, values.getPlain(index) + 1);
    }

    /** Row {@code trunk} takes the values of row {@code from} of {@code source} (a reload keeping a trunk). */
    public void copyRow(final int trunk, final TrunkCounters source, final int from)
    {
        for (int counter = 0; counter < SLOTS; counter++)
        {
            set(trunk, counter, source.get(from, counter));
        }
    }

    public void set(final int trunk, final int counter, final long value)
    {
        values.setRelease(trunk * SLOTS + counter, value);
    }
}
