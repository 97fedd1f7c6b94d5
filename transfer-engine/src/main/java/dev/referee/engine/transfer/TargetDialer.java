package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;

import dev.referee.engine.time.EngineTimers;

/**
 * Calls the leg a transfer goes to (the target of a blind transfer, or the transferor called back): INVITE without
 * offer, whose 2xx brings the offer the transferee will answer, and the ring timer (transfer.ring-timeout).
 * Engine thread only.
 */
final class TargetDialer
{
    private final B2bua b2bua;
    private final EngineTimers timers;

    TargetDialer(final B2bua b2bua, final EngineTimers timers)
    {
        this.b2bua = b2bua;
        this.timers = timers;
    }

    void dial(final Transfer transfer, final Leg leg, final InviteHeaders headers)
    {
        transfer.target = leg;
        leg.clientInvite(b2bua.invite(leg, headers, ClientPurpose.TARGET_INVITE, transfer));
        transfer.ringTimer = timers.schedule(b2bua.config().transferRingTimeoutNs(), transfer);
        b2bua.callMedia().ringback(transfer.transferee); // media anchored: the transferee hears it ring
    }
}
