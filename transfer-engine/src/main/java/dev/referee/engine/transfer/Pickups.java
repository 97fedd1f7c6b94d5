package dev.referee.engine.transfer;

import dev.referee.sip.SipStatus;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.Call;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.DialogReference;
import dev.referee.engine.call.EndCause;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.LegMessages;
import dev.referee.engine.call.OfferAnswer;
import dev.referee.engine.call.PickupListener;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;

import java.net.InetSocketAddress;

/**
 * Call pickup and takeover: an INVITE with Replaces (RFC 3891) naming a leg Referee holds. The new caller's leg takes
 * the replaced leg's place beside its peer; the replaced leg is cancelled (early) or hung up (confirmed).
 * <ul>
 * <li>early (a ringing call picked up): the ringing callee is cancelled; the caller's INVITE is answered with the
 * picker's offer and the picker's INVITE with the caller's offer (SDP passed through: no media relay yet);</li>
 * <li>confirmed: the peer is re-INVITEd with the picker's offer and its answer goes back in the 200.</li>
 * </ul>
 * RFC 3891 §3: 481 when no dialog matches, 603 for a terminated one, 486 for {@code early-only} against a confirmed
 * dialog; before any of these but 481, 403 when the requester may not replace it ({@link ReplacesAuthorization}).
 * Engine thread only.
 */
public final class Pickups implements PickupListener
{
    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final AsciiView view = new AsciiView();
    private final ReplacesAuthorization authorization;
    private long nextPickupId = 1;

    Pickups(final B2bua b2bua, final TransactionLayer transactions, final EngineTimers timers,
        final EngineEvents events)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = b2bua.messages();
        this.timers = timers;
        this.events = events;
        this.authorization = new ReplacesAuthorization(b2bua);
    }

    long nextPickupId()
    {
        return nextPickupId;
    }

    void restoreNextPickupId(final long nextPickupId)
    {
        this.nextPickupId = nextPickupId;
    }

    /** An out-of-dialog INVITE carrying Replaces; the server transaction exists. */
    @Override
    public void onInviteWithReplaces(final SipMessage request, final ServerTransaction st, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        request.header(HeaderName.REPLACES, view);
        final DialogReference dialog = DialogReference.parse(view);
        if (dialog == null)
        {
            messages.respond(st, SipStatus.BAD_REQUEST, "Warning", "399 referee \"malformed Replaces\"");
            return;
        }
        final Leg replaced = b2bua.calls().findLeg(dialog);
        if (replaced == null)
        {
            messages.respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null, null);
            return;
        }
        final String refusal = authorization.refusal(replaced, source);
        if (refusal != null)
        {
            // Checked before the dialog's state is told: a stranger learns nothing of it, and nothing of it changes.
            messages.respond(st, SipStatus.FORBIDDEN, "Reason", "SIP;cause=403;text=\"" + refusal + "\"");
            return;
        }
        final Leg peer = replaced.peer();
        if (replaced.isTerminated() || peer == null || peer.isTerminated())
        {
            messages.respond(st, SipStatus.DECLINE, null, null);
            return;
        }
        if (peer.isConfirmed() && peer.inviteUnderWay() && b2bua.config().keepsOneTransferPerCall())
        {
            // The peer has an INVITE of Referee's under way (a transfer asking it for an offer, another takeover), or
            // one whose 2xx waits for the ACK a transfer holds: a second one would cross it (RFC 3261 §14.1), and both
            // would join the peer, each into a call of its own, or the held ACK would go out without its CSeq (engine
            // fuzz findings). The picker may try again.
            messages.respond(st, SipStatus.REQUEST_PENDING, "Retry-After", "1");
            return;
        }
        if (dialog.earlyOnly() && replaced.isConfirmed())
        {
            messages.respond(st, SipStatus.BUSY_HERE, null, null);
            return;
        }
        final Call call = replaced.call();
        final boolean ringingCallee =
            !replaced.isConfirmed() && replaced == call.calleeLeg() && replaced.clientInvite() != null;
        if (!replaced.isConfirmed() && !ringingCallee)
        {
            messages.respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null, null); // an early caller is not taken
            return;
        }
        transactions.startResponse(st, SipStatus.TRYING).endWithoutBody();
        transactions.send(st, 100);

        final Leg picker = b2bua.calls().newIncomingLeg(call, request, transport, source, connectionId);
        picker.received(OfferAnswer.Carrier.INVITE, request.bodyLength() > 0, timers.nowNs());
        b2bua.callMedia().from(picker, request);
        picker.serverInvite(st);
        st.localTag = picker.localTag();
        st.context = picker;

        final long pickupId = nextPickupId++;
        events.onTransferStarted(timers.nowNs(), call.id(), pickupId, "pickup", picker.remoteUri());
        LegsAdded.report(b2bua, events, timers.nowNs(), call, picker, "pickup");
        if (ringingCallee)
        {
            pickUpRinging(call, replaced, picker, request, st);
            events.onTransferCompleted(timers.nowNs(), call.id(), pickupId, call.id());
            return;
        }
        // Takeover of an answered call: the peer gets the picker's offer; the 200 to the picker carries its answer.
        peer.clientInvite(b2bua.reInvite(peer, request, ClientPurpose.PICKUP_REINVITE, picker));
        replaced.peer(null);
        picker.peer(peer); // one way until the peer answers: then joined
        call.replaceLeg(replaced, picker);
        b2bua.hangUp(replaced, null, null);
        events.onTransferCompleted(timers.nowNs(), call.id(), pickupId, call.id());
    }

    /** The peer answered the takeover re-INVITE: answer the picker with it. */
    @Override
    public void onTakeoverResponse(final ClientTransaction ct, final SipMessage response)
    {
        final Leg picker = (Leg)ct.context();
        final Leg peer = picker.peer();
        final int status = response.statusCode();
        final ServerTransaction st = picker.serverInvite();
        if (status >= 200 && peer != null && picker.isTerminated() && peer.clientInvite() == ct &&
            b2bua.config().endsCancelledTakeovers())
        {
            answeredAfterCancel(peer, ct, response);
            return;
        }
        if (status < 200 || peer == null || st == null || st.isFinal())
        {
            return;
        }
        peer.clientInvite(null);
        picker.serverInvite(null);
        if (status >= 300)
        {
            peer.offerFailed(timers.nowNs(), "the picked-up call's peer refused the picker's offer");
            picker.offerFailed(timers.nowNs(), "the picked-up call's peer refused the picker's offer");
            messages.relayResponse(st, picker, ct, response, false, false);
            b2bua.hangUp(peer, picker.call(), EndCause.PICKUP_FAILED);
            b2bua.dropLeg(picker);
            return;
        }
        peer.ackPendingCSeq(response.cseqNumber());
        peer.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        messages.sendAck(peer, null);
        Leg.join(picker, peer);
        picker.state(Leg.State.CONFIRMED, timers.nowNs(), "picked up");
        messages.relayResponse(st, picker, ct, response, true, false);
        picker.sent(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        b2bua.startRetransmitting2xx(picker, st.cseq());
    }

    /**
     * The picked-up call's peer never answered the takeover re-INVITE: the picker's INVITE gets 408 and, as for a
     * refusal, the peer is hung up and the picker's leg dropped (before node-start version 5 the picker's INVITE was
     * never answered and its server transaction stayed for good: an engine fuzz finding).
     */
    @Override
    public void onTakeoverTimeout(final Leg picker)
    {
        final Leg peer = picker.peer();
        final ServerTransaction st = picker.serverInvite();
        if (peer == null || st == null || st.isFinal())
        {
            return;
        }
        peer.clientInvite(null);
        picker.serverInvite(null);
        messages.respond(st, SipStatus.REQUEST_TIMEOUT, null, null);
        b2bua.hangUp(peer, picker.call(), EndCause.PICKUP_FAILED);
        b2bua.dropLeg(picker);
    }

    /**
     * The picker CANCELled its takeover INVITE (the 487 is sent): its leg leaves, it never had a dialog. The replaced leg
     * was hung up when the takeover began, so the peer is alone: it is hung up too, and the call ends when its BYE is
     * answered (when the peer is gone already, the call ends at the end of this input: nobody is left in it). The
     * takeover re-INVITE stays the peer's until answered: a 2xx to it is acknowledged ({@link #answeredAfterCancel}).
     * Before node-start version 6 the CANCEL was taken for a re-INVITE's and the picker's leg stayed: an engine fuzz
     * finding.
     */
    @Override
    public void onTakeoverCancelled(final Leg picker)
    {
        final Leg peer = picker.peer();
        picker.serverInvite(null);
        b2bua.dropLeg(picker);
        if (peer != null)
        {
            b2bua.hangUp(peer, picker.call(), EndCause.PICKUP_FAILED);
        }
    }

    /** The answer to the takeover re-INVITE of a picker that cancelled: a 2xx is acknowledged, as RFC 3261 wants. */
    private void answeredAfterCancel(final Leg peer, final ClientTransaction ct, final SipMessage response)
    {
        peer.clientInvite(null);
        if (response.statusCode() >= 300)
        {
            peer.offerFailed(timers.nowNs(), "the picker cancelled its takeover");
            return;
        }
        peer.ackPendingCSeq(response.cseqNumber());
        peer.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        messages.sendAck(peer, null);
    }

    private void pickUpRinging(final Call call, final Leg ringing, final Leg picker, final SipMessage request,
        final ServerTransaction st)
    {
        final ClientTransaction invite = ringing.clientInvite();
        ringing.clientInvite(null);
        if (invite.provisionalSeen())
        {
            b2bua.cancelled(invite, ringing);
            messages.sendCancel(invite);
        }
        else
        {
            b2bua.cancelWhenProvisional(invite, ringing);
        }
        b2bua.dropLeg(ringing);
        ringing.peer(null);

        final Leg caller = call.callerLeg();
        call.replaceLeg(ringing, picker);
        Leg.join(caller, picker);
        caller.state(Leg.State.CONFIRMED, timers.nowNs(), "picked up");
        picker.state(Leg.State.CONFIRMED, timers.nowNs(), "picked up");
        call.state(Call.State.CONFIRMED, timers.nowNs(), "picked up");
        events.onLegAnswered(timers.nowNs(), call.id());

        // The caller's INVITE is answered with the picker's offer, the picker's with the caller's.
        final ServerTransaction callerInvite = call.callerInvite();
        messages.answer(callerInvite, caller, request);
        caller.sent(OfferAnswer.Carrier.SUCCESS, request.bodyLength() > 0, timers.nowNs());
        b2bua.startRetransmitting2xx(caller, callerInvite.cseq());

        messages.answer(st, picker, call.callerOffer(), call.callerOfferType());
        picker.sent(OfferAnswer.Carrier.SUCCESS, call.callerOffer() != null, timers.nowNs());
        picker.serverInvite(null);
        b2bua.startRetransmitting2xx(picker, st.cseq());
    }
}
