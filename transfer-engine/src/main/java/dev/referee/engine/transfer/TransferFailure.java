package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.EndCause;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;
import dev.referee.engine.config.OnTransferFailure;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.sip.SipStatus;

/**
 * When a transfer does not happen: the target refused, did not answer (transfer.ring-timeout) or the transferee hung
 * up. The transferor hears it in the final NOTIFY and keeps the transferee; when the transferor is gone too, the
 * transferee is hung up or, with transfer.on-failure: recall, the transferor is called back. Engine thread only.
 */
final class TransferFailure
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final ReferNotifier notifier;
    private final TargetDialer dialer;

    TransferFailure(final B2bua b2bua, final EngineTimers timers,
        final EngineEvents events, final ReferNotifier notifier, final TargetDialer dialer)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.events = events;
        this.notifier = notifier;
        this.dialer = dialer;
    }

    /** The target (or the recalled transferor) did not take the call. */
    void targetFailed(final Transfer transfer, final int status, final String reason, final String why)
    {
        if (transfer.state() == Transfer.State.RECALLING || transfer.recalled && b2bua.config().recallsOnce())
        {
            transfer.state(Transfer.State.FAILED, timers.nowNs(), why);
            b2bua.hangUp(transfer.transferee, transfer.call, EndCause.TRANSFER_FAILED);
            return;
        }
        if (transfer.transferor.isTerminated() && !transfer.transferee.isTerminated() &&
            b2bua.config().transfer().onFailure() == OnTransferFailure.RECALL)
        {
            // The transferee goes on hearing ringback while its transferor is called back: the transferor hung up, so
            // its side is nothing to hear, and a tone stopped then started again let through, for a moment, whatever
            // still reached the hung-up leg's port (seen in MediaTransferInteropTest).
            b2bua.callMedia().endEarlyMedia(transfer.transferee);
            failed(transfer, status, reason, why);
            recall(transfer);
            return;
        }
        finish(transfer, status, reason, why);
        if (!transfer.transferor.isTerminated())
        {
            return; // the transferor is still there: the original call stays joined, it can take the transferee back
        }
        if (transfer.transferee.isTerminated())
        {
            b2bua.release(transfer.call, EndCause.TRANSFER_FAILED, status);
        }
        else
        {
            b2bua.hangUp(transfer.transferee, transfer.call, EndCause.TRANSFER_FAILED);
        }
    }

    /**
     * The transferee hung up while the transfer was under way: the target is no longer wanted. An attended transfer's
     * target is the far end of the transferor's own consultation call, which is not the transfer's to end: it goes on
     * as it was (abandoning its INVITE left that call, and the transferor's dialog in it, never released: an engine
     * fuzz finding).
     */
    void onTransfereeGone(final Transfer transfer)
    {
        if (transfer.consultation == null || !b2bua.config().keepsConsultationWhenTransfereeLeaves())
        {
            abandonTarget(transfer);
        }
        finish(transfer, SipStatus.REQUEST_TERMINATED, SipStatus.reasonPhrase(SipStatus.REQUEST_TERMINATED), "the transferee hung up");
    }

    /**
     * The target hung up (its BYE, answered already) before the join completed. Its leg leaves; the transfer fails as
     * when a target refuses (NOTIFY 487, then the transferor takes the transferee back, or a recall). A re-INVITE of
     * the transferee still under way is answered as usual (TransferJoin ACKs it).
     */
    void onTargetGone(final Transfer transfer)
    {
        final Leg leg = transfer.target;
        leg.clientInvite(null);
        b2bua.dropLeg(leg);
        targetFailed(transfer, SipStatus.REQUEST_TERMINATED, SipStatus.reasonPhrase(SipStatus.REQUEST_TERMINATED),
            "the target hung up");
    }

    /**
     * The transfer's call is being released while the transfer is under way (EngineConfig.endsCallsNobodyIsLeftIn: its
     * last party left, a session expired, ...): nothing of the transfer may go on into the ended call. It fails (NOTIFY
     * 487 to a transferor still there), a blonde transfer's consultation call no longer hands its target's answer over,
     * and the target, when it is the transfer's (a blind transfer's, or a blonde one's whose consultation the transferor
     * cancelled), is given up; the far end of a consultation the transferor still holds is left to that call, as when
     * the transferee leaves.
     */
    void onCallEnded(final Transfer transfer)
    {
        final Leg target = transfer.target;
        if (transfer.consultation != null && target != null && target.call() != null &&
            target.call() != transfer.call && transfer.state() == Transfer.State.SOLICITING && !target.isConfirmed())
        {
            target.call().blonde(null);
        }
        if (transfer.consultation == null || transfer.consultation.isTerminated())
        {
            abandonTarget(transfer);
        }
        finish(transfer, SipStatus.REQUEST_TERMINATED, SipStatus.reasonPhrase(SipStatus.REQUEST_TERMINATED),
            "the call ended under the transfer");
    }

    /** transfer.ring-timeout: the target (or the recalled transferor) rang too long. */
    void onRingTimeout(final Transfer transfer)
    {
        if (transfer.state() == Transfer.State.CALLING_TARGET || transfer.state() == Transfer.State.RECALLING)
        {
            abandonTarget(transfer);
            targetFailed(transfer, SipStatus.REQUEST_TIMEOUT, SipStatus.reasonPhrase(SipStatus.REQUEST_TIMEOUT), "no answer within transfer.ring-timeout");
        }
    }

    /** Stops calling the target: CANCEL while it rings, BYE once it answered. */
    void abandonTarget(final Transfer transfer)
    {
        final Leg leg = transfer.target;
        if (leg == null || leg.isTerminated())
        {
            return;
        }
        final ClientTransaction invite = leg.clientInvite();
        if (invite != null && invite.finalStatus() == 0)
        {
            leg.clientInvite(null);
            if (invite.provisionalSeen())
            {
                b2bua.messages().sendCancel(invite);
            }
            else
            {
                b2bua.cancelWhenProvisional(invite, leg);
            }
            b2bua.dropLeg(leg);
        }
        else if (leg.isConfirmed())
        {
            if (leg.ackPendingCSeq() >= 0)
            {
                b2bua.messages().sendAck(leg, null);
            }
            b2bua.hangUp(leg, null, null);
        }
    }

    private void finish(final Transfer transfer, final int status, final String reason, final String why)
    {
        b2bua.callMedia().stopRingback(transfer.transferee);
        failed(transfer, status, reason, why);
    }

    /** The transfer is over, failed: the transferor's NOTIFY says so ({@code status}). */
    private void failed(final Transfer transfer, final int status, final String reason, final String why)
    {
        transfer.state(Transfer.State.FAILED, timers.nowNs(), why);
        transfer.ringTimer = timers.cancel(transfer.ringTimer);
        events.onTransferFailed(timers.nowNs(), transfer.call.id(), transfer.id, status, why);
        notifier.notify(transfer, status, reason);
    }

    /** The transferor is gone and the target failed: call the transferor back (transfer.on-failure: recall). */
    private void recall(final Transfer transfer)
    {
        final Leg leg = b2bua.calls().newLegToward(transfer.call, transfer.transferee.remoteUri(), transfer.transferor);
        transfer.state(Transfer.State.RECALLING, timers.nowNs(), "recalling the transferor");
        transfer.recalled = true;
        transfer.consultation = null;
        LegsAdded.report(b2bua, events, timers.nowNs(), transfer.call, leg, "recall");
        dialer.dial(transfer, leg, InviteHeaders.NONE);
    }
}
