package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OfferAnswer;

import dev.referee.engine.time.EngineTimers;

/**
 * Calls the leg a transfer goes to (the target of a blind transfer, or the transferor called back), with the ring timer
 * (transfer.ring-timeout): an INVITE without offer, whose 2xx brings the offer the transferee will answer; or, media
 * anchored (node-start version 9), offering the transferee's media, so that a 183 with SDP lets the transferee hear
 * the target's early media (docs/media.md). Engine thread only.
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
        dial(transfer, leg, headers, b2bua.config().offersTransfereeMediaToTarget());
    }

    /** As {@link #dial(Transfer, Leg, InviteHeaders)}, offering the transferee's media only when {@code offer}. */
    void dial(final Transfer transfer, final Leg leg, final InviteHeaders headers, final boolean offer)
    {
        transfer.target = leg;
        transfer.targetHeaders = headers;
        leg.clientInvite(b2bua.invite(leg, headers, ClientPurpose.TARGET_INVITE, transfer,
            offer ? transfer.transferee : null));
        transfer.targetOffered = leg.offerAnswer() == OfferAnswer.OFFER_SENT;
        transfer.ringTimer = timers.schedule(b2bua.config().transferRingTimeoutNs(), transfer);
        b2bua.callMedia().ringback(transfer.transferee); // media anchored: the transferee hears it ring
    }
}
