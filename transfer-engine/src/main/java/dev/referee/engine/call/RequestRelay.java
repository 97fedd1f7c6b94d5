package dev.referee.engine.call;

import dev.referee.engine.auth.ProxyAuthenticator;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipStatus;
import dev.referee.transport.Addresses;

import java.net.InetSocketAddress;

/**
 * Requests inside a dialog of a leg (RFC 3261 §12.2.2), once they are known to come from its peer and in order:
 * answered here when they end or stay on the leg (BYE, PRACK, the REFER's own subscription, a REFER acted on, 481,
 * 491 for glare, §14.2), else relayed to the other leg as a request of that dialog (§12.2.1.1), in a client
 * transaction whose responses {@link ResponseRelay} brings back; the ACK of a 2xx Referee sent, and a CANCEL of an
 * INVITE under way, too. Engine thread only.
 */
final class RequestRelay
{
    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final Transitions transitions;
    private final EngineTimers timers;
    private final SessionTimers sessions;
    private final ReliableProvisionals reliableProvisionals;
    private final CallMedia callMedia;
    private final CallSetup setup;
    private final EarlyDialogs earlyDialogs;
    private final Invite2xxRetransmission retransmission;
    private final Hangups hangups;

    RequestRelay(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final Transitions transitions, final EngineTimers timers, final SessionTimers sessions,
        final ReliableProvisionals reliableProvisionals, final CallMedia callMedia, final CallSetup setup,
        final EarlyDialogs earlyDialogs, final Invite2xxRetransmission retransmission, final Hangups hangups)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.transitions = transitions;
        this.timers = timers;
        this.sessions = sessions;
        this.reliableProvisionals = reliableProvisionals;
        this.callMedia = callMedia;
        this.setup = setup;
        this.earlyDialogs = earlyDialogs;
        this.retransmission = retransmission;
        this.hangups = hangups;
    }

    /** See {@link B2bua#onInDialogRequest}. */
    void onRequest(final Leg leg, final SipMessage request, final ServerTransaction st, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        if (!comesFromThePeer(leg, request.from().tag(), source))
        {
            // Knowing a dialog's Call-ID and tags is not enough to end, change or transfer it: the request must come
            // from the host the leg's peer talks from. Nothing of the leg changes (flow, transport, connection).
            st.localTag = leg.localTag;
            messages.respond(st, SipStatus.FORBIDDEN, "Reason", "SIP;cause=403;text=\"not from this dialog's peer\"");
            transitions.unexpected(StateMachine.DIALOG, leg.id, B2bua.callIdOf(leg), leg.state(),
                request.methodName() + " from " + source + ", not from the dialog's peer", timers.nowNs());
            return;
        }
        if (request.cseqNumber() <= leg.remoteCSeq)
        {
            messages.respond(st, SipStatus.SERVER_INTERNAL_ERROR, "Warning", "399 referee \"CSeq out of order\"");
            return;
        }
        leg.remoteCSeq = (int)request.cseqNumber(); // below 2^31: the parser refuses more (RFC 3261 §8.1.1.5)
        leg.transport = transport;
        leg.flow = source;
        leg.connectionId = connectionId;
        st.localTag = leg.localTag;
        st.context = leg;
        final int method = request.method();
        if (method == SipMethod.PRACK && b2bua.config().reliableProvisionals())
        {
            // Hop by hop (RFC 3262): a PRACK acknowledges what Referee sent on this leg, never goes to the other.
            reliableProvisionals.onPrack(leg, st, request);
            return;
        }
        if (method == SipMethod.BYE)
        {
            hangups.onBye(leg, st, request);
            return;
        }
        if (method == SipMethod.SUBSCRIBE && b2bua.config().answersReferSubscriptions() &&
            b2bua.transfers().onSubscribe(leg, request, st))
        {
            return; // the REFER's subscription is Referee's own, whatever became of the dialog's INVITE usage
        }
        if (method == SipMethod.REFER && b2bua.authenticator().admit(b2bua.trunks().trunkOf(source.getAddress()),
            request, st, timers.nowNs()) == ProxyAuthenticator.Verdict.ANSWERED)
        {
            // Challenged here, before the transfer policy decides whether to act on the REFER or relay it: either way
            // it moves a call, so an unauthenticated one goes nowhere (issue 7).
            return;
        }
        if (method == SipMethod.REFER && !leg.isTerminated() && b2bua.transfers().onRefer(leg, request, st, source))
        {
            return;
        }
        final Leg peer = leg.peer();
        if (leg.isTerminated() || peer == null || peer.isTerminated() || !peer.isConfirmed())
        {
            messages.respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null, null);
            return;
        }
        if (method == SipMethod.INVITE && inviteInProgress(leg, peer))
        {
            // RFC 3261 §14.2: an INVITE's offer/answer is open on the call. The offer this re-INVITE would make has no
            // move in the leg's machine; 491 is the answer, and the machine reports the input it did not take.
            messages.respond(st, SipStatus.REQUEST_PENDING, null, null);
            transitions.unexpected(StateMachine.OFFER_ANSWER, leg.id, B2bua.callIdOf(leg), leg.offerAnswer(),
                "re-INVITE while an INVITE is under way on the call: 491", timers.nowNs());
            return;
        }
        relay(leg, peer, request, st, method);
    }

    /** Sends {@code request} of {@code leg} on to {@code peer}, as a request of the peer's own dialog. */
    private void relay(final Leg leg, final Leg peer, final SipMessage request, final ServerTransaction st,
        final int method)
    {
        final NameAddr contact = request.contact();
        if (contact != null && isTargetRefresh(method))
        {
            leg.remoteTarget = contact.uri().toString();
        }
        final boolean invite = method == SipMethod.INVITE;
        if (invite)
        {
            transactions.startResponse(st, SipStatus.TRYING).endWithoutBody();
            transactions.send(st, 100);
        }
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final String methodName = request.methodName().toString();
        final SipMessageWriter writer = messages.startRequest(
            peer, methodName, ++peer.localCSeq, branch, LegMessages.forwardedMaxForwards(request));
        if (isTargetRefresh(method))
        {
            writer.header("Contact", messages.contact(peer.transport, peer.flow));
        }
        if (invite || method == SipMethod.UPDATE)
        {
            // A session refresh of this leg when it succeeds; the relayed request is one of the peer's leg, with its own
            // interval (RFC 4028 per leg: Referee is UAS on one and UAC on the other).
            sessions.onPeerRequest(leg, request);
            sessions.requestHeaders(peer, writer);
        }
        callMedia.from(leg, request);
        messages.copyEndToEnd(request, leg, peer, writer);
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, method, methodName, peer.transport, peer.flow, peer.connectionId);
        ct.use(invite ? ClientPurpose.RELAYED_INVITE : ClientPurpose.RELAYED_REQUEST, st);
        st.relayedTo = ct;
        if (invite)
        {
            leg.serverInvite = st;
            peer.clientInvite = ct;
            final boolean offer = request.bodyLength() > 0;
            leg.received(OfferAnswer.Carrier.INVITE, offer, timers.nowNs());
            peer.sent(OfferAnswer.Carrier.INVITE, offer, timers.nowNs());
        }
    }

    /** See {@link B2bua#onAck}. */
    void onAck(final Leg leg, final SipMessage ack, final InetSocketAddress source)
    {
        if (!comesFromThePeer(leg, ack.from().tag(), source))
        {
            transitions.unexpected(StateMachine.DIALOG, leg.id, B2bua.callIdOf(leg), leg.state(),
                "ACK from " + source + ", not from the dialog's peer", timers.nowNs());
            return;
        }
        if (leg.pending2xx == null || ack.cseqNumber() != leg.pending2xxCSeq)
        {
            return; // a retransmitted ACK, already relayed
        }
        retransmission.stop(leg);
        final boolean answer = ack.bodyLength() > 0;
        leg.received(OfferAnswer.Carrier.ACK, answer, timers.nowNs());
        callMedia.from(leg, ack);
        final Leg peer = leg.peer();
        if (peer != null && peer.ackPendingCSeq >= 0 && !peer.isTerminated() &&
            !(peer.ackHeldByTransfer && b2bua.config().keepsTransfersAcks()))
        {
            messages.sendAck(peer, ack);
            peer.sent(OfferAnswer.Carrier.ACK, answer, timers.nowNs());
        }
    }

    /** See {@link B2bua#onCancel}. */
    void onCancel(final ServerTransaction invite, final SipMessage cancel)
    {
        if (invite.isFinal())
        {
            return;
        }
        final Object context = invite.context;
        final ClientTransaction relayed = invite.relayedTo;
        messages.respond(invite, SipStatus.REQUEST_TERMINATED, null, null);
        if (context instanceof Call)
        {
            ((Call)context).a.offerFailed(timers.nowNs(), "INVITE cancelled");
        }
        if (context instanceof Call && ((Call)context).blonde != null && ((Call)context).blonde.isActive())
        {
            ((Call)context).a.state(Leg.State.TERMINATED, timers.nowNs(), "consultation cancelled"); // the transferor gave up its consultation: the target is the transfer's now
        }
        else if (context instanceof Call)
        {
            setup.cancelCallee((Call)context, cancel);
        }
        else if (context instanceof Leg picker && isTakeover(picker) && b2bua.config().endsCancelledTakeovers())
        {
            // Not a re-INVITE: the INVITE with Replaces that took this call over, cancelled before the peer answered.
            picker.offerFailed(timers.nowNs(), "takeover cancelled");
            b2bua.pickups().onTakeoverCancelled(picker);
        }
        else if (context instanceof Leg)
        {
            ((Leg)context).serverInvite = null;
            ((Leg)context).offerFailed(timers.nowNs(), "re-INVITE cancelled");
            if (relayed != null && relayed.provisionalSeen() && relayed.finalStatus() == 0)
            {
                final Leg leg = (Leg)context;
                messages.sendCancel(relayed, cancel, leg, leg.peer());
            }
        }
    }

    /** {@code leg} is a picker whose takeover re-INVITE to the picked-up call's peer is under way (Pickups). */
    private static boolean isTakeover(final Leg leg)
    {
        final Leg peer = leg.peer();
        final ClientTransaction invite = peer == null ? null : peer.clientInvite;
        return invite != null && ClientPurpose.of(invite) == ClientPurpose.PICKUP_REINVITE && invite.context() == leg;
    }

    /**
     * The dialog's peer sent it: the From tag is the peer's tag, and it comes from the host the leg talks to (the port
     * may differ, RFC 3261 §18.2.2; over TCP another connection from the same host is the peer's too).
     */
    private boolean comesFromThePeer(final Leg leg, final AsciiView fromTag, final InetSocketAddress source)
    {
        // While it rings, a leg whose INVITE forked has an early dialog with each fork that sent a tag.
        if (leg.remoteTag != null && !leg.remoteTag.isEmpty() && !fromTag.contentEquals(leg.remoteTag) &&
            !(leg.state() == Leg.State.EARLY && earlyDialogs.isEarlyDialog(leg, fromTag)))
        {
            return false;
        }
        return Addresses.sameHost(leg.flow, source);
    }

    /** An INVITE offer/answer is open on the call in either direction (RFC 3261 §14.2: answer 491). */
    private static boolean inviteInProgress(final Leg leg, final Leg peer)
    {
        return leg.serverInvite != null || leg.clientInvite != null || leg.pending2xx != null ||
            leg.ackPendingCSeq >= 0 || peer != null && (peer.serverInvite != null || peer.clientInvite != null ||
            peer.pending2xx != null || peer.ackPendingCSeq >= 0);
    }

    /** A request (or the response to one) that may change the dialog's remote target (RFC 3261 §12.2). */
    static boolean isTargetRefresh(final int method)
    {
        return (method & (SipMethod.INVITE | SipMethod.UPDATE | SipMethod.SUBSCRIBE | SipMethod.NOTIFY |
            SipMethod.REFER)) != 0;
    }
}
