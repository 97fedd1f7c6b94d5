package dev.referee.engine.call;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Ends the calls nobody is left in (EngineConfig.endsCallsNobodyIsLeftIn): a call each of whose legs is terminated,
 * with no BYE of it outstanding, is released at the end of the input that took its last party, with its trunk count,
 * its transfer ({@link B2bua#release} ends one under way) and its pickup state. Each path that ends a leg was meant to
 * release its call too; the engine fuzz target found several that did not (a transferor's BYE absorbed by a transfer
 * whose transferee a takeover had replaced, a transfer's target dropped with its call, a join into an ended call).
 * This is the rule they all break, checked once per input for the calls a leg of which ended during it, so that no
 * such path leaks a call until sip.max-calls is reached. Checked after the input, not when the leg ends: a path that
 * ends one leg and then another, or hangs one up, is never cut short. Engine thread only.
 */
final class AbandonedCalls
{
    /** Calls to look at, at most this many an input; past it every call is looked at (a tick ending many calls). */
    static final int MAX_SUSPECTS = 16;

    private final List<Call> suspects = new ArrayList<>(MAX_SUSPECTS);
    private boolean overflowed;

    /** A leg of {@code call} ended (its dialog moved to TERMINATED) during this input. */
    void legEnded(final Call call)
    {
        if (call == null || call.state() == Call.State.ENDED || overflowed)
        {
            return;
        }
        for (int i = 0; i < suspects.size(); i++)
        {
            if (suspects.get(i) == call)
            {
                return;
            }
        }
        if (suspects.size() == MAX_SUSPECTS)
        {
            overflowed = true;
            return;
        }
        suspects.add(call);
    }

    /**
     * The end of an input: each call looked at with nobody left in it is released by {@code b2bua}. Releasing one may
     * end legs of another (a transfer's target): those calls are looked at in the same pass.
     */
    void endEach(final B2bua b2bua)
    {
        if (overflowed)
        {
            overflowed = false;
            suspects.clear();
            // Collected first (releasing a call takes its legs out of the map being read), in the map's order: the
            // same in a replay, unlike an identity set's.
            final Set<Call> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            final List<Call> all = new ArrayList<>();
            for (final Leg leg : b2bua.calls().legs().values())
            {
                if (leg.call != null && seen.add(leg.call))
                {
                    all.add(leg.call);
                }
            }
            all.forEach(call -> endIfNobodyLeft(b2bua, call));
        }
        for (int i = 0; i < suspects.size(); i++)
        {
            endIfNobodyLeft(b2bua, suspects.get(i));
        }
        suspects.clear();
    }

    private static void endIfNobodyLeft(final B2bua b2bua, final Call call)
    {
        if (call.state() != Call.State.ENDED && call.byesOutstanding <= 0 && nobodyLeft(call))
        {
            b2bua.releaseAbandoned(call);
        }
    }

    /** Every leg still the call's is terminated (a leg moved to another call, a transfer's outcome, is not its). */
    static boolean nobodyLeft(final Call call)
    {
        boolean any = false;
        for (int i = 0; i < call.legs.size(); i++)
        {
            final Leg leg = call.legs.get(i);
            if (leg.call == call)
            {
                any = true;
                if (!leg.isTerminated())
                {
                    return false;
                }
            }
        }
        return any;
    }
}
