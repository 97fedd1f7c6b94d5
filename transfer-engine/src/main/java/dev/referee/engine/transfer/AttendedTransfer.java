package dev.referee.engine.transfer;

import dev.referee.sip.SipStatus;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OfferAnswer;

import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.SipMessage;

/**
 * Attended and blonde transfer (RFC 5589 §7): Refer-To carries Replaces naming the transferor's consultation dialog,
 * which Referee holds. Attended: the target answered the consultation; its dialog is re-INVITEd without offer and the
 * offer its 2xx brings goes to the transferee. Blonde: the target still rings; the transfer waits for its answer
 * (handed over by call setup), then does the same. Either way the consultation dialog is replaced. Engine thread only.
 */
final class AttendedTransfer
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final ReferNotifier notifier;
    private final TransferJoin join;
    private final TransferFailure failure;

    AttendedTransfer(final B2bua b2bua, final EngineTimers timers, final EngineEvents events,
        final ReferNotifier notifier, final TransferJoin join, final TransferFailure failure)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.events = events;
        this.notifier = notifier;
        this.join = join;
        this.failure = failure;
    }

    /** The kind of transfer to the far end of {@code consultation}: attended once it answered, blonde before. */
    static TransferKind kindOf(final Leg consultation)
    {
        return consultation.peer() != null && consultation.peer().wasAnswered() ? TransferKind.ATTENDED :
            TransferKind.BLONDE;
    }

    /**
     * Attended (the target answered the consultation) or blonde (it still rings): join the transferee to it. With
     * {@code earlyOnly} (RFC 3891 §3) a confirmed consultation is not replaced: the transfer fails with 486, as the
     * target would have answered the transferee's INVITE, and the consultation call stays as it is.
     */
    void attend(final Transfer transfer, final Leg consultation, final boolean earlyOnly)
    {
        if (earlyOnly && consultation.isConfirmed())
        {
            failure.targetFailed(transfer, SipStatus.BUSY_HERE, SipStatus.reasonPhrase(SipStatus.BUSY_HERE),
                "Replaces with early-only names a confirmed dialog");
            return;
        }
        final Leg other = consultation.peer();
        if (consultation == transfer.transferor || consultation.call() == transfer.call || other == null ||
            other.isTerminated() || consultation.isTerminated())
        {
            failure.targetFailed(transfer, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, SipStatus.reasonPhrase(SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST),
                "the dialog named by Replaces is over");
            return;
        }
        transfer.consultation = consultation;
        transfer.target = other;
        consultation.call().replacedBy(transfer);
        LegsAdded.report(b2bua, events, timers.nowNs(), transfer.call, consultation, "consultation");
        LegsAdded.report(b2bua, events, timers.nowNs(), transfer.call, other, "target");
        transfer.state(Transfer.State.SOLICITING, timers.nowNs(), "Replaces names a dialog of ours");
        if (other.isConfirmed())
        {
            solicitOffer(transfer);
        }
        else
        {
            other.call().blonde(transfer); // call setup hands the target's answer over (onBlondeAnswered)
            if (b2bua.config().ringsBackInBlondeTransfers())
            {
                // Media anchored: the transferee hears it ring (the consultation's own ringing reaches the transferor).
                b2bua.callMedia().ringback(transfer.transferee);
            }
        }
    }

    /** Blonde: the target the transferor was calling answered (call setup acknowledged it, the consultation ended). */
    void onBlondeAnswered(final Transfer transfer)
    {
        transfer.target.call().blonde(null);
        transfer.kind = TransferKind.BLONDE;
        solicitOffer(transfer);
    }

    /** Blonde: the target the transferor was calling refused; the consultation call ends as usual. */
    void onBlondeFailed(final Transfer transfer, final int status, final String reason)
    {
        transfer.target.call().blonde(null);
        failure.targetFailed(transfer, status, reason, "the target answered " + status);
    }

    /** Blonde: the target rings. */
    void onBlondeRinging(final Transfer transfer, final int status, final String reason)
    {
        events.onTransferTargetRinging(timers.nowNs(), transfer.call.id(), transfer.id, status);
        notifier.notify(transfer, status, reason);
    }

    void onOfferResponse(final Transfer transfer, final SipMessage response)
    {
        final int status = response.statusCode();
        if (status < 200)
        {
            return;
        }
        if (transfer.state() != Transfer.State.SOLICITING)
        {
            transfer.unexpected("answer " + status + " to the target's re-INVITE", timers.nowNs());
            return;
        }
        final Leg other = transfer.target;
        other.clientInvite(null);
        if (status >= 300)
        {
            failure.targetFailed(transfer, status, response.reasonPhrase().toString(),
                "the target refused the re-INVITE (" + status + ")");
            return;
        }
        other.ackPendingCSeq(response.cseqNumber());
        other.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        if (response.bodyLength() == 0)
        {
            b2bua.messages().sendAck(other, null);
            failure.targetFailed(transfer, SipStatus.NOT_ACCEPTABLE_HERE, SipStatus.reasonPhrase(SipStatus.NOT_ACCEPTABLE_HERE), "the target's re-INVITE answer had no offer");
            return;
        }
        join.offerToTransferee(transfer, response, "the target offered");
    }

    void onOfferTimeout(final Transfer transfer)
    {
        transfer.target.clientInvite(null);
        failure.targetFailed(transfer, SipStatus.REQUEST_TIMEOUT, SipStatus.reasonPhrase(SipStatus.REQUEST_TIMEOUT), "the target did not answer the re-INVITE");
    }

    /** The target's dialog is re-INVITEd without offer: its 2xx brings the offer the transferee will answer. */
    private void solicitOffer(final Transfer transfer)
    {
        final Leg other = transfer.target;
        other.clientInvite(b2bua.reInvite(other, null, ClientPurpose.OFFER_REINVITE, transfer));
    }
}
