package dev.referee.engine.call;

import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipMethod;

import java.util.Collection;

/**
 * Derives each restored leg's offer/answer state from what a snapshot holds already (the snapshot format does not
 * carry it): the INVITEs under way and whether they carry a body, the 2xx waiting for its ACK, the ACK Referee owes,
 * and the re-INVITE that joins a transfer's target. A leg with no exchange open is STABLE once answered, NO_SESSION
 * before. One case is not recoverable: a relayed re-INVITE without offer caught between its 2xx (the offer) and the
 * ACK (the answer) comes back STABLE, so that ACK's answer is then reported as unexpected. An INVITE under way whose
 * offer a reliable provisional answered is EARLY_ANSWERED (the snapshot holds that since node-start version 6).
 * Engine thread only, at restore.
 */
final class OfferAnswerRestore
{
    private OfferAnswerRestore()
    {
    }

    static void restore(final Collection<Leg> legs)
    {
        for (final Leg leg : legs)
        {
            leg.restoreOfferAnswer(derive(leg));
        }
        // A transfer's target answered with its offer; the transferee's re-INVITE carries it and Referee owes the
        // target the ACK with the transferee's answer.
        for (final Leg leg : legs)
        {
            final ClientTransaction invite = leg.clientInvite;
            if (invite != null && invite.finalStatus() == 0 &&
                ClientPurpose.of(invite) == ClientPurpose.JOIN_REINVITE &&
                invite.context() instanceof CallTransfer transfer && transfer.target() != null &&
                transfer.target().ackPendingCSeq >= 0)
            {
                transfer.target().restoreOfferAnswer(OfferAnswer.OFFER_RECEIVED);
            }
        }
    }

    private static OfferAnswer derive(final Leg leg)
    {
        final OfferAnswer settled = leg.wasAnswered() ? OfferAnswer.STABLE : OfferAnswer.NO_SESSION;
        final ClientTransaction sent = leg.clientInvite;
        if (sent != null && sent.method() == SipMethod.INVITE && sent.finalStatus() == 0)
        {
            return !sent.requestHasBody() ? settled :
                leg.b2bua.pracks().answeredEarly(leg) ? OfferAnswer.EARLY_ANSWERED : OfferAnswer.OFFER_SENT;
        }
        if (offerReceivedInOpenInvite(leg))
        {
            return leg.b2bua.reliableProvisionals().answeredEarly(leg) ? OfferAnswer.EARLY_ANSWERED :
                OfferAnswer.OFFER_RECEIVED;
        }
        final Call call = leg.call;
        if (call == null || call.callerInvite == null || call.callerOffer != null)
        {
            return settled;
        }
        // The caller's INVITE had no offer: the callee's 2xx brought it. Until the caller's ACK answers, the caller's
        // leg has sent the offer (2xx waiting for the ACK) and the callee's received it (ACK owed).
        if (leg == call.a && leg.pending2xx != null && leg.pending2xxCSeq == call.callerInvite.cseq() &&
            leg.pending2xx.hasBody())
        {
            return OfferAnswer.OFFER_SENT;
        }
        if (leg == call.b && leg.ackPendingCSeq >= 0 && call.a != null && call.a.pending2xx != null &&
            call.a.pending2xxCSeq == call.callerInvite.cseq() && call.a.pending2xx.hasBody())
        {
            return OfferAnswer.OFFER_RECEIVED;
        }
        return settled;
    }

    /** The peer's INVITE on this leg waits for Referee's final response and carried an offer. */
    private static boolean offerReceivedInOpenInvite(final Leg leg)
    {
        final Call call = leg.call;
        if (call != null && leg == call.a && call.callerInvite != null && !call.callerInvite.isFinal() &&
            call.callerInvite.state() != ServerTransaction.State.TERMINATED)
        {
            return call.callerOffer != null;
        }
        final ServerTransaction received = leg.serverInvite;
        if (received == null || received.isFinal())
        {
            return false;
        }
        if (received.relayedTo != null)
        {
            return received.relayedTo.requestHasBody();
        }
        // A pickup's INVITE: its offer went on in the re-INVITE of the picked-up call's peer.
        final Leg peer = leg.peer;
        return peer != null && peer.clientInvite != null && peer.clientInvite.requestHasBody();
    }
}
