package dev.referee.engine.call;

import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;

/**
 * Ending calls with BYE (RFC 3261 §15.1): a party's BYE answered and sent on to the other leg (or handed to the
 * transfer it ends a part of), a BYE Referee sends on its own decision (a transfer's, a session timer run out, media
 * gone silent, a 2xx never acknowledged), and the call released once every BYE it sent is answered
 * ({@code Call.byesOutstanding}). Engine thread only.
 */
final class Hangups
{
    private final B2bua b2bua;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final CallSetup setup;
    private final Invite2xxRetransmission retransmission;
    private final CallRelease release;

    Hangups(final B2bua b2bua, final LegMessages messages, final EngineTimers timers, final CallSetup setup,
        final Invite2xxRetransmission retransmission, final CallRelease release)
    {
        this.b2bua = b2bua;
        this.messages = messages;
        this.timers = timers;
        this.setup = setup;
        this.retransmission = retransmission;
        this.release = release;
    }

    /** A BYE of {@code leg}'s peer, from the dialog's peer and in order (RequestRelay checked): answered 200 here. */
    void onBye(final Leg leg, final ServerTransaction st, final SipMessage bye)
    {
        messages.respond(st, SipStatus.OK, null, null);
        if (leg.isTerminated())
        {
            return; // BYEs crossed: ours to this leg is on its way
        }
        leg.state(Leg.State.TERMINATED, timers.nowNs(), "BYE received");
        retransmission.stop(leg);
        final Call call = leg.call;
        final CallTransfer transfer = call.transfer;
        final TransferListener transfers = b2bua.transfers();
        if (transfer != null && leg == transfer.transferor() && transfers.onTransferorBye(transfer))
        {
            return;
        }
        if (transfer != null && transfer.isActive() && leg == transfer.transferee())
        {
            transfers.onTransfereeGone(transfer);
        }
        if (b2bua.config().targetByeEndsOnlyItsLeg() && transfer != null && transfer.isActive() &&
            leg == transfer.target() && leg != call.a && leg != call.b)
        {
            // Only the target's leg ends (an engine fuzz finding): before, its BYE released the whole call under way,
            // and the transfer went on to join the dropped transferee into a call never released.
            transfers.onTargetGone(transfer);
            return;
        }
        final Leg peer = leg.peer();
        if (call.endCause == null)
        {
            call.endCause = leg == call.a ? EndCause.CALLER_BYE : EndCause.CALLEE_BYE;
        }
        if (call.state() == Call.State.INITIATING)
        {
            // The caller hung up an early dialog: that is a CANCEL of the callee's INVITE.
            if (!call.callerInvite.isFinal())
            {
                messages.respond(call.callerInvite, SipStatus.REQUEST_TERMINATED, null, null);
            }
            call.a.offerFailed(timers.nowNs(), "caller hung up the early dialog");
            setup.cancelCallee(call);
            return;
        }
        if (peer != null && !peer.isTerminated())
        {
            messages.sendBye(peer, ClientPurpose.BYE, bye, leg);
            call.byesOutstanding++;
            call.state(Call.State.TERMINATING, timers.nowNs(), "BYE received");
        }
        if (call.byesOutstanding == 0)
        {
            release.release(call, call.endCause, 0);
        }
    }

    /** A BYE Referee sent for a call was answered, or timed out: the last one releases the call. */
    void onByeDone(final ClientTransaction ct)
    {
        final Call call = (Call)ct.context();
        if (call != null && --call.byesOutstanding <= 0)
        {
            release.release(call, call.endCause, 0);
        }
    }

    /** See {@link B2bua#hangUp}. */
    void hangUp(final Leg leg, final Call call, final EndCause cause)
    {
        if (leg.isTerminated())
        {
            return;
        }
        if (call == null)
        {
            messages.sendBye(leg, ClientPurpose.ORPHAN);
            release.dropLeg(leg);
            return;
        }
        if (call.endCause == null)
        {
            call.endCause = cause;
        }
        messages.sendBye(leg, ClientPurpose.BYE).context(call);
        call.byesOutstanding++;
        call.state(Call.State.TERMINATING, timers.nowNs(), "BYE sent");
    }

    /** See {@link B2bua#endCall}. */
    void endCall(final Leg leg, final EndCause cause, final String reason)
    {
        final Call call = leg.call;
        if (call == null)
        {
            hangUp(leg, null, cause);
            return;
        }
        if (call.endCause == null)
        {
            call.endCause = cause;
        }
        final Leg peer = leg.peer();
        byeIfConfirmed(call, leg);
        byeIfConfirmed(call, peer);
        call.state(Call.State.TERMINATING, timers.nowNs(), reason);
        if (call.byesOutstanding == 0)
        {
            release.release(call, call.endCause, 0);
        }
    }

    /**
     * The 2xx Referee sent {@code leg} was never acknowledged (RFC 3261 §13.3.1.4: no ACK within 64*T1): the session
     * is over; it ends on both legs with BYE.
     */
    void endUnacknowledged(final Leg leg)
    {
        final Call call = leg.call;
        final Leg peer = leg.peer();
        byeIfConfirmed(call, leg);
        byeIfConfirmed(call, peer);
        call.state(Call.State.TERMINATING, timers.nowNs(), "no ACK");
        if (call.byesOutstanding == 0)
        {
            release.release(call, EndCause.NO_ACK, 0);
        }
    }

    /** A BYE on {@code leg} of {@code call} where its dialog is confirmed and not yet ended; the call waits for it. */
    private void byeIfConfirmed(final Call call, final Leg leg)
    {
        if (leg != null && !leg.isTerminated() && leg.isConfirmed())
        {
            messages.sendBye(leg, ClientPurpose.BYE);
            call.byesOutstanding++;
        }
    }
}
