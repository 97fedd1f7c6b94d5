package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.Leg;
import dev.referee.engine.events.EngineEvents;

/** Reports a leg a call gets beyond its caller and callee (EngineEvents.onLegAdded), when the journal's version does. */
final class LegsAdded
{
    private LegsAdded()
    {
    }

    static void report(final B2bua b2bua, final EngineEvents events, final long nowNs, final Call call, final Leg leg,
        final String role)
    {
        if (b2bua.config().namesEveryLeg())
        {
            events.onLegAdded(nowNs, call.id(), leg.callId(), role);
        }
    }
}
