package dev.referee.engine.transfer;

import dev.referee.sip.SipStatus;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.EndCause;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OfferAnswer;

import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.SipMessage;

/**
 * The last phase of every transfer kind (RFC 3725 flow): the target's offer goes to the transferee in a re-INVITE,
 * the transferee's answer goes back in the target's ACK, and the transferee and the target become a call of their
 * own; the transferor's call (and an attended transfer's consultation) ends. Engine thread only.
 */
final class TransferJoin
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final ReferNotifier notifier;
    private final TransferFailure failure;

    TransferJoin(final B2bua b2bua, final EngineTimers timers, final EngineEvents events,
        final ReferNotifier notifier, final TransferFailure failure)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.events = events;
        this.notifier = notifier;
        this.failure = failure;
    }

    /** The target offered (in {@code offer}, a 2xx): the transferee is re-INVITEd with that offer. */
    void offerToTransferee(final Transfer transfer, final SipMessage offer, final String reason)
    {
        transfer.state(Transfer.State.JOINING, timers.nowNs(), reason);
        final Leg transferee = transfer.transferee;
        if (transferee.acceptsFromChange())
        {
            // RFC 4916: the transferee's phone shows whom it talks to now, from this re-INVITE on.
            transferee.changeLocalIdentity(transfer.target.remoteUri());
        }
        if (b2bua.config().retriesGlaredJoin() && offer.bodyLength() > 0)
        {
            // Kept while the join may have to go again (a 491): the target's 2xx is gone from the ring by then.
            transfer.joinOffer = b2bua.messages().copies().copy(offer.buffer(), offer.bodyOffset(), offer.bodyLength());
            transfer.joinOfferType = offer.contentType().toString();
        }
        transferee.clientInvite(b2bua.reInvite(transferee, offer, joinHeaders(transfer), ClientPurpose.JOIN_REINVITE,
            transfer));
    }

    /**
     * The join re-INVITE tells a transferee on a trusted trunk whom it talks to now (RFC 3325): the target as Referee
     * called it (the To of its INVITE). An untrusted trunk gets no identity from Referee, as none crosses to it.
     */
    private InviteHeaders joinHeaders(final Transfer transfer)
    {
        final Leg transferee = transfer.transferee;
        return b2bua.config().assertsTargetToTransferee() && transferee.trunk().headers().trusted() ?
            InviteHeaders.asserting(transfer.target.remoteUri()) : InviteHeaders.NONE;
    }

    /**
     * At most this many 491s to the join are waited out and retried: glare that keeps coming back is a transferee
     * that will not take the target's offer, and the transfer fails as for any other refusal.
     */
    static final int MAX_GLARE_RETRIES = 3;

    /** RFC 3261 §14.1's delay after a 491 is over: the join re-INVITE goes again with the target's offer. */
    void retryAfterGlare(final Transfer transfer)
    {
        if (transfer.state() != Transfer.State.JOINING || transfer.transferee.isTerminated())
        {
            return;
        }
        final Leg transferee = transfer.transferee;
        transferee.clientInvite(b2bua.reInvite(transferee, transfer.joinOffer, transfer.joinOfferType,
            joinHeaders(transfer), ClientPurpose.JOIN_REINVITE, transfer));
    }

    /** The join is over (done, failed or given up): its offer copy goes back, a retry waiting is called off. */
    void forgetOffer(final Transfer transfer)
    {
        if (transfer.joinOffer != null)
        {
            b2bua.messages().copies().release(transfer.joinOffer);
            transfer.joinOffer = null;
            transfer.joinOfferType = null;
        }
        if (transfer.glareTimer != EngineTimers.NO_TIMER)
        {
            timers.cancel(transfer.glareTimer);
            transfer.glareTimer = EngineTimers.NO_TIMER;
        }
    }

    /**
     * A 491 to the join (the transferee's own re-INVITE crossed it, RFC 3261 §14.1): true when a retry is scheduled,
     * the transferee's offer state rolled back as for any refused offer; the target keeps waiting for its ACK.
     */
    private boolean waitOutGlare(final Transfer transfer, final int status)
    {
        if (status != SipStatus.REQUEST_PENDING || transfer.joinOffer == null ||
            transfer.glareRetries >= MAX_GLARE_RETRIES)
        {
            return false;
        }
        final Leg transferee = transfer.transferee;
        transferee.clientInvite(null);
        transferee.offerFailed(timers.nowNs(), "491 to the join: retried after the RFC 3261 delay");
        transfer.glareRetries++;
        transfer.glareTimer = timers.schedule(
            b2bua.glareDelayNs(transferee, transfer.id << 8 | transfer.glareRetries), transfer);
        return true;
    }

    void onJoinResponse(final Transfer transfer, final SipMessage response)
    {
        final int status = response.statusCode();
        if (status < 200)
        {
            return;
        }
        if (transfer.state() != Transfer.State.JOINING)
        {
            transfer.unexpected("answer " + status + " to the transferee's re-INVITE", timers.nowNs());
            if (status < 300 && b2bua.config().targetByeEndsOnlyItsLeg() && !transfer.transferee.isTerminated())
            {
                // The join was given up meanwhile (the target hung up): a 2xx is still ACKed, or the transferee
                // retransmits it until it gives up on the call.
                transfer.transferee.clientInvite(null);
                transfer.transferee.ackPendingCSeq(response.cseqNumber());
                transfer.transferee.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
                b2bua.messages().sendAck(transfer.transferee, null);
            }
            return;
        }
        if (b2bua.config().ignoresTheJoinOfAnEndedCall() &&
            (transfer.transferee.isTerminated() || transfer.target.isTerminated()))
        {
            // The call ended under the join (both legs dropped with it): nothing is left to join, and completing would
            // make a call of two dead legs that nothing releases (an engine fuzz finding).
            transfer.unexpected("answer " + status + " to the join of a call that ended", timers.nowNs());
            return;
        }
        if (waitOutGlare(transfer, status))
        {
            return;
        }
        final Leg transferee = transfer.transferee;
        transferee.clientInvite(null);
        if (status >= 300)
        {
            // The target's offer was not taken: void on both sides (the target's ACK goes without an answer).
            transferee.offerFailed(timers.nowNs(), "the transferee refused the target's offer");
            if (!transfer.targetOffered)
            {
                transfer.target.offerFailed(timers.nowNs(), "the transferee refused the target's offer");
            }
            if (transfer.consultation == null)
            {
                failure.abandonTarget(transfer);
            }
            else
            {
                b2bua.messages().sendAck(transfer.target, null); // the target's re-INVITE stays as it was
            }
            failure.targetFailed(transfer, status, response.reasonPhrase().toString(),
                "the transferee refused the target's media (" + status + ")");
            return;
        }
        transferee.ackPendingCSeq(response.cseqNumber());
        transferee.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        b2bua.messages().sendAck(transferee, null);
        if (!transfer.targetOffered) // else the target's ACK went with its answer, without body
        {
            b2bua.messages().sendAck(transfer.target, response);
            transfer.target.sent(OfferAnswer.Carrier.ACK, response.bodyLength() > 0, timers.nowNs());
        }
        complete(transfer);
    }

    void onJoinTimeout(final Transfer transfer)
    {
        transfer.transferee.clientInvite(null);
        transfer.transferee.offerFailed(timers.nowNs(), "the transferee did not answer the re-INVITE");
        if (!transfer.targetOffered)
        {
            transfer.target.offerFailed(timers.nowNs(), "the transferee did not answer the re-INVITE");
        }
        if (transfer.consultation == null)
        {
            failure.abandonTarget(transfer);
        }
        failure.targetFailed(transfer, SipStatus.REQUEST_TIMEOUT, SipStatus.reasonPhrase(SipStatus.REQUEST_TIMEOUT), "the transferee did not answer the re-INVITE");
    }

    private void complete(final Transfer transfer)
    {
        final boolean recalled = transfer.target.remoteUri().equals(transfer.transferor.remoteUri()) &&
            transfer.transferor.isTerminated();
        transfer.state(Transfer.State.COMPLETED, timers.nowNs(), "the transferee answered");
        final Call consultationCall = transfer.target.call();
        final Call child = b2bua.calls().newCall(transfer.call.id(), transfer.transferee, transfer.target);
        transfer.transferor.peer(null);
        final Leg consultation = transfer.consultation;
        if (consultation != null)
        {
            // The transferor's consultation dialog is replaced (RFC 3891): it ends with BYE, or at once if early.
            consultation.peer(null);
            if (consultation.wasAnswered())
            {
                b2bua.hangUp(consultation, consultationCall, EndCause.TRANSFERRED);
            }
            else
            {
                b2bua.release(consultationCall, EndCause.TRANSFERRED, 0);
            }
        }
        final long now = timers.nowNs();
        events.onCallCreated(now, child.id(), transfer.call.id(), transfer.transferee.callId(),
            transfer.target.callId(), transfer.transferee.remoteUri(), transfer.target.remoteUri(),
            transfer.target.remoteTarget());
        events.onLegAnswered(now, child.id());
        if (!recalled)
        {
            events.onTransferCompleted(now, transfer.call.id(), transfer.id, child.id());
            notifier.notify(transfer, SipStatus.OK, SipStatus.reasonPhrase(SipStatus.OK));
        }
        if (transfer.transferor.isTerminated())
        {
            b2bua.release(transfer.call, recalled ? EndCause.TRANSFER_FAILED : EndCause.TRANSFERRED, 0);
        }
        else
        {
            // The transferor hangs up its original dialog itself after the final NOTIFY (RFC 5589); a BYE from Referee
            // at once would cross it. transfer.transferor-bye-timeout releases a transferor that does not.
            transfer.transferorByeTimer = timers.schedule(b2bua.config().transferorByeTimeoutNs(), transfer);
        }
    }
}
