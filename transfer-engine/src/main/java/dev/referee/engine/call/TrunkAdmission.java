package dev.referee.engine.call;

import dev.referee.engine.config.Route;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may send calls (issue 7): a new call from a trunk is admitted only on a route the trunk may take
 * ({@code trunks[].routes}), below its concurrent calls ({@code limits.calls}) and within its new calls per second
 * ({@code limits.cps}). In-dialog requests, ACK and CANCEL never come here: an established dialog is never refused.
 * <p>
 * <b>Which trunk a call counts against.</b> A call counts against the trunk of its caller leg (A) while that leg is
 * still the call's and the call has not ended: from the caller's INVITE until the call is released, whatever ends
 * it (BYE, CANCEL, a failure, a timeout). A transfer moves legs into a new call: that call counts against the trunk
 * of its A leg (the transferee), and the old call stops counting as soon as its own A leg has left it (the transferee
 * was the caller) or when it ends (the transferor was the caller: its dialog lingers until its BYE). A pickup that
 * takes over the caller's leg moves the count to the picker's trunk. {@link #uncount} and {@link #count} bracket
 * every change this rule depends on, so the counts are always what the rule gives for the calls held, and a restored
 * engine derives them from its restored calls without the snapshot carrying them.
 * <p>
 * The token buckets are state no call carries: they are in the snapshot (version 2). Engine thread only.
 */
public final class TrunkAdmission
{
    /** Why a new call was refused. */
    public enum Refusal
    {
        /** 403: the route is not one of the trunk's {@code routes}. */
        ROUTE,
        /** 503: the trunk's {@code limits.calls} are up. */
        CALL_LIMIT,
        /** 503: the trunk's {@code limits.cps} are spent for now. */
        RATE
    }

    private final TrunkLoad[] loads;
    private final Map<TrunkConfig, TrunkLoad> byTrunk = new IdentityHashMap<>();
    private final TrunkCounters counters;

    TrunkAdmission(final List<TrunkConfig> trunks, final EngineCounters engineCounters)
    {
        this(trunks, engineCounters, null);
    }

    /**
     * After a reload: a trunk that {@code previous} had by the same name (the default trunk included) keeps its token
     * bucket and its counters, so that a reload neither refills a trunk's {@code limits.cps} nor sends its Prometheus
     * counters back to 0; the calls are counted again by the caller ({@link B2bua#reconfigure}).
     */
    TrunkAdmission(final List<TrunkConfig> trunks, final EngineCounters engineCounters,
        final TrunkAdmission previous)
    {
        loads = new TrunkLoad[trunks.size() + 1];
        final List<String> names = new ArrayList<>(loads.length);
        for (int i = 0; i < trunks.size(); i++)
        {
            loads[i] = new TrunkLoad(trunks.get(i), i);
            names.add(trunks.get(i).name());
        }
        loads[trunks.size()] = new TrunkLoad(TrunkDirectory.DEFAULT, trunks.size());
        names.add(TrunkDirectory.DEFAULT.name());
        for (final TrunkLoad load : loads)
        {
            byTrunk.put(load.trunk, load);
        }
        counters = new TrunkCounters(names);
        if (previous != null)
        {
            carryOver(previous);
        }
        if (engineCounters != null)
        {
            engineCounters.trunks(counters);
        }
    }

    private void carryOver(final TrunkAdmission previous)
    {
        for (final TrunkLoad load : loads)
        {
            for (final TrunkLoad old : previous.loads)
            {
                if (old.trunk.name().equals(load.trunk.name()))
                {
                    load.tokens = Math.min(old.tokens, load.capacity());
                    load.refilledNs = old.refilledNs;
                    counters.copyRow(load.index, previous.counters, old.index);
                }
            }
        }
    }

    /**
     * A new call from {@code trunk} on {@code route} at {@code nowNs}: null when admitted (and then one of the trunk's
     * tokens is taken), else why not (counted). The call itself is counted by {@link #count} once it exists.
     */
    Refusal admit(final TrunkConfig trunk, final Route route, final long nowNs)
    {
        final TrunkLoad load = load(trunk);
        if (!trunk.calls().mayTake(route.name()))
        {
            counters.increment(load.index, TrunkCounters.ROUTE_REFUSED);
            return Refusal.ROUTE;
        }
        if (load.atCallLimit())
        {
            counters.increment(load.index, TrunkCounters.CALL_LIMIT_REFUSED);
            return Refusal.CALL_LIMIT;
        }
        if (!load.takeToken(nowNs))
        {
            counters.increment(load.index, TrunkCounters.RATE_REFUSED);
            return Refusal.RATE;
        }
        return null;
    }

    /** The per-trunk counters: rows in configuration order, the default trunk's last. */
    public TrunkCounters counters()
    {
        return counters;
    }

    /** A Replaces from {@code trunk} was refused (counted per trunk). */
    public void replacesRefused(final TrunkConfig trunk)
    {
        counters.increment(load(trunk).index, TrunkCounters.REPLACES_REFUSED);
    }

    /** Calls counted against {@code trunk} now. */
    public int callsOf(final TrunkConfig trunk)
    {
        return load(trunk).calls;
    }

    /**
     * Adds {@code call} to the count of its trunk when the rule of this class counts it now. With {@link #uncount},
     * brackets every change the rule depends on: uncount before, count after. The calls carry no record of what was
     * counted (a field would make every call 8 bytes bigger: EngineAllocationTest), so both evaluate the same rule on
     * the call as it is; a caller leg's trunk does not change while it is the caller leg (its flow changes only to
     * another port of the same host, the dialog source check sees to that).
     */
    void count(final Call call)
    {
        if (counts(call))
        {
            add(load(call.a.trunk()), 1);
        }
    }

    /** Takes {@code call} out of its trunk's count when the rule counts it now: before a change. */
    void uncount(final Call call)
    {
        if (counts(call))
        {
            add(load(call.a.trunk()), -1);
        }
    }

    /** The rule: a call counts while it lives and its caller leg is still its own. */
    private static boolean counts(final Call call)
    {
        return call.state() != Call.State.ENDED && call.a != null && call.a.call == call;
    }

    private void add(final TrunkLoad load, final int delta)
    {
        load.calls += delta;
        counters.set(load.index, TrunkCounters.CALLS, load.calls);
    }

    /** A trunk of the configuration, or the default trunk; an unknown trunk counts as the default one. */
    private TrunkLoad load(final TrunkConfig trunk)
    {
        final TrunkLoad load = byTrunk.get(trunk);
        return load != null ? load : loads[loads.length - 1];
    }

    // ---- snapshot hooks (CallSnapshots only) ---------------------------------------------------------------------

    void writeBuckets(final SnapshotWriter out)
    {
        out.writeInt(loads.length);
        for (final TrunkLoad load : loads)
        {
            out.writeLong(load.tokens);
            out.writeLong(load.refilledNs);
        }
    }

    void readBuckets(final SnapshotReader in)
    {
        final int count = in.readInt();
        if (count != loads.length)
        {
            throw new SnapshotException("snapshot of " + (count - 1) + " trunks, configuration of " +
                (loads.length - 1));
        }
        for (final TrunkLoad load : loads)
        {
            load.tokens = in.readLong();
            load.refilledNs = in.readLong();
        }
    }
}
