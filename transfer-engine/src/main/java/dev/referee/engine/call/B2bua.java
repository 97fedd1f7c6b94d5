package dev.referee.engine.call;

import dev.referee.config.Route;
import dev.referee.engine.EngineConfig;
import dev.referee.engine.IdGenerator;
import dev.referee.engine.Outbox;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.engine.transaction.TransactionUser;
import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;
import org.agrona.collections.Long2ObjectHashMap;

import java.net.InetSocketAddress;

/**
 * The back-to-back user agent: turns a caller's INVITE into a call with two legs and relays what happens on one
 * leg to the other (RFC 3261 §13-15 on each leg; RFC 7092 for the B2BUA's role). Engine thread only.
 */
public final class B2bua implements TransactionUser
{
    static final int INITIAL_INVITE = 1;
    static final int RELAYED_INVITE = 2;
    static final int RELAYED_REQUEST = 3;
    static final int BYE = 4;
    static final int CANCEL = 5;
    /** A request whose outcome nobody waits for (a BYE of a call already gone). */
    static final int ORPHAN = 6;

    private final EngineConfig config;
    private final TransactionLayer transactions;
    private final EngineTimers timers;
    private final Outbox outbox;
    private final IdGenerator ids;
    private final Router router;
    private final LegMessages messages;
    private final Long2ObjectHashMap<Leg> legs = new Long2ObjectHashMap<>();
    private final AsciiView view = new AsciiView();
    private long nextLegId = 1;
    private long nextCallId = 1;
    private int callCount;

    public B2bua(final EngineConfig config, final TransactionLayer transactions, final EngineTimers timers,
        final Outbox outbox, final IdGenerator ids)
    {
        this.config = config;
        this.transactions = transactions;
        this.timers = timers;
        this.outbox = outbox;
        this.ids = ids;
        this.router = new Router(config.routes());
        this.messages = new LegMessages(config, transactions, outbox, ids);
    }

    public int callCount()
    {
        return callCount;
    }

    public int legCount()
    {
        return legs.size();
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    /** An INVITE without To tag: a new call (RFC 3261 §13.3). The server transaction exists; 100 Trying goes now. */
    public void onInitialInvite(final SipMessage request, final ServerTransaction st, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        if (callCount >= config.maxCalls())
        {
            messages.respond(st, 503, "Service Unavailable", "Retry-After", "5");
            return;
        }
        final Route route = router.route(request.requestUriView().user());
        if (route == null)
        {
            messages.respond(st, 404, "Not Found", null, null);
            return;
        }
        transactions.startResponse(st, 100, "Trying").endWithoutBody();
        transactions.send(st, 100);

        final Call call = new Call(nextCallId++, nextLegId++, nextLegId++, this);
        final Leg a = call.a;
        a.callId = request.callId().toString();
        a.remoteTag = request.from().tag().toString();
        a.localTag = ids.tag(a.id);
        a.remoteUri = LegMessages.nameAddrWithoutParams(request.from());
        a.localUri = LegMessages.nameAddrWithoutParams(request.to());
        final NameAddr contact = request.contact();
        a.remoteTarget = contact != null ? contact.uri().toString() : request.requestUri().toString();
        a.routeSet = messages.recordRoutes(request, false);
        a.remoteCSeq = request.cseqNumber();
        a.transport = transport;
        a.flow = source;
        a.connectionId = connectionId;

        final Leg b = call.b;
        b.callId = ids.callId();
        b.localTag = ids.tag(b.id);
        b.localUri = a.remoteUri;
        b.remoteUri = a.localUri;
        b.remoteTarget = "sip:" + request.requestUriView().user() + '@' + Addresses.hostPort(route.target()) +
            (route.transport() == Transport.TCP ? ";transport=tcp" : "");
        b.transport = route.transport();
        b.flow = route.target();
        b.localCSeq = 1;

        st.localTag = a.localTag;
        st.context = call;
        call.callerInvite = st;
        legs.put(a.id, a);
        legs.put(b.id, b);
        callCount++;

        final long clientId = transactions.reserveClientId();
        final String branch = transactions.branch(clientId);
        final SipMessageWriter writer = messages.startRequest(b, "INVITE", b.localCSeq, branch, LegMessages.forwardedMaxForwards(request));
        writer.header("Contact", messages.contact(b.transport, b.flow));
        messages.copyEndToEnd(request, writer);
        final ClientTransaction ct = transactions.sendRequest(
            clientId, branch, SipMethod.INVITE, "INVITE", b.transport, b.flow, b.connectionId);
        ct.purpose = INITIAL_INVITE;
        ct.context = call;
        st.relayedTo = ct;
        call.calleeInvite = ct;
        b.clientInvite = ct;
    }

    /** The leg whose local tag is {@code localTag} in dialog {@code callId}; null when none. */
    public Leg findLeg(final AsciiView localTag, final AsciiView callId)
    {
        final long id = IdGenerator.idOf(localTag, 0);
        if (id < 0)
        {
            return null;
        }
        final Leg leg = legs.get(id);
        return leg != null && localTag.contentEquals(leg.localTag) && callId.contentEquals(leg.callId) ? leg : null;
    }

    /** A request inside a dialog of {@code leg} (not ACK, not CANCEL). */
    public void onInDialogRequest(final Leg leg, final SipMessage request, final ServerTransaction st,
        final int transport, final InetSocketAddress source, final long connectionId)
    {
        if (request.cseqNumber() <= leg.remoteCSeq)
        {
            messages.respond(st, 500, "Server Internal Error", "Warning", "399 referee \"CSeq out of order\"");
            return;
        }
        leg.remoteCSeq = request.cseqNumber();
        leg.transport = transport;
        leg.flow = source;
        leg.connectionId = connectionId;
        st.localTag = leg.localTag;
        st.context = leg;
        final int method = request.method();
        if (method == SipMethod.BYE)
        {
            onBye(leg, st);
            return;
        }
        final Leg peer = leg.peer();
        if (leg.terminated || peer.terminated || !peer.confirmed)
        {
            messages.respond(st, 481, "Call/Transaction Does Not Exist", null, null);
            return;
        }
        if (method == SipMethod.INVITE && inviteInProgress(leg, peer))
        {
            messages.respond(st, 491, "Request Pending", null, null);
            return;
        }
        final NameAddr contact = request.contact();
        if (contact != null && isTargetRefresh(method))
        {
            leg.remoteTarget = contact.uri().toString();
        }
        final boolean invite = method == SipMethod.INVITE;
        if (invite)
        {
            transactions.startResponse(st, 100, "Trying").endWithoutBody();
            transactions.send(st, 100);
        }
        final long clientId = transactions.reserveClientId();
        final String branch = transactions.branch(clientId);
        final String methodName = request.methodName().toString();
        final SipMessageWriter writer = messages.startRequest(
            peer, methodName, ++peer.localCSeq, branch, LegMessages.forwardedMaxForwards(request));
        if (isTargetRefresh(method))
        {
            writer.header("Contact", messages.contact(peer.transport, peer.flow));
        }
        messages.copyEndToEnd(request, writer);
        final ClientTransaction ct = transactions.sendRequest(
            clientId, branch, method, methodName, peer.transport, peer.flow, peer.connectionId);
        ct.purpose = invite ? RELAYED_INVITE : RELAYED_REQUEST;
        ct.context = st;
        st.relayedTo = ct;
        if (invite)
        {
            leg.serverInvite = st;
            peer.clientInvite = ct;
        }
    }

    /** An ACK inside a dialog of {@code leg}: for a 2xx Referee sent (RFC 3261 §13.2.2.4); relayed to the peer. */
    public void onAck(final Leg leg, final SipMessage ack)
    {
        if (leg.pending2xx == null || ack.cseqNumber() != leg.pending2xxCSeq)
        {
            return; // a retransmitted ACK, already relayed
        }
        stopRetransmitting2xx(leg);
        final Leg peer = leg.peer();
        if (peer.ackPendingCSeq >= 0 && !peer.terminated)
        {
            messages.sendAck(peer, ack);
        }
    }

    /** A CANCEL matched INVITE server transaction {@code invite}; the CANCEL itself was answered 200. */
    public void onCancel(final ServerTransaction invite)
    {
        if (invite.isFinal())
        {
            return;
        }
        final Object context = invite.context;
        final ClientTransaction relayed = invite.relayedTo;
        messages.respond(invite, 487, "Request Terminated", null, null);
        if (context instanceof Call)
        {
            cancelCallee((Call)context);
        }
        else if (context instanceof Leg)
        {
            ((Leg)context).serverInvite = null;
            if (relayed != null && relayed.provisionalSeen() && relayed.finalStatus() == 0)
            {
                messages.sendCancel(relayed);
            }
        }
    }

    /** A response no live client transaction claims: a 2xx retransmitted after the INVITE transaction ended. */
    public void onStrayResponse(final SipMessage response)
    {
        if (response.statusCode() < 200 || response.statusCode() >= 300 || response.cseqMethod() != SipMethod.INVITE)
        {
            return;
        }
        final Leg leg = findLeg(response.from().tag(), response.callId());
        if (leg != null && leg.lastAck != null && leg.lastAckCSeq == response.cseqNumber())
        {
            outbox.resend(leg.transport, leg.flow, leg.connectionId, leg.lastAck);
        }
    }

    // ---- responses to what Referee sent --------------------------------------------------------------------

    @Override
    public void onResponse(final ClientTransaction ct, final SipMessage response, final long nowNs)
    {
        switch (ct.purpose)
        {
            case INITIAL_INVITE -> onCalleeInviteResponse(ct, (Call)ct.context, response);
            case RELAYED_INVITE, RELAYED_REQUEST -> onRelayedResponse(ct, (ServerTransaction)ct.context, response);
            case BYE -> onByeDone(ct);
            default ->
            {
            }
        }
    }

    @Override
    public void onTimeout(final ClientTransaction ct, final long nowNs)
    {
        switch (ct.purpose)
        {
            case INITIAL_INVITE ->
            {
                final Call call = (Call)ct.context;
                if (call.state != Call.State.ENDED)
                {
                    if (!call.callerInvite.isFinal())
                    {
                        messages.respond(call.callerInvite, 408, "Request Timeout", null, null);
                    }
                    release(call);
                }
            }
            case RELAYED_INVITE, RELAYED_REQUEST ->
            {
                final ServerTransaction st = (ServerTransaction)ct.context;
                clearInvite(st, ct);
                if (!st.isFinal() && st.state() != ServerTransaction.State.TERMINATED)
                {
                    messages.respond(st, 408, "Request Timeout", null, null);
                }
            }
            case BYE -> onByeDone(ct);
            default ->
            {
            }
        }
    }

    private void onCalleeInviteResponse(final ClientTransaction ct, final Call call, final SipMessage response)
    {
        final int status = response.statusCode();
        final Leg b = call.b;
        b.connectionId = ct.connectionId();
        if (call.cancelled || call.state == Call.State.ENDED)
        {
            if (status < 200 && call.cancelPending)
            {
                call.cancelPending = false;
                messages.sendCancel(ct);
            }
            else if (status >= 200 && status < 300)
            {
                learnCalleeDialog(b, response, true);
                b.ackPendingCSeq = response.cseqNumber();
                messages.sendAck(b, null);
                messages.sendBye(b, ORPHAN);
                release(call);
            }
            else if (status >= 300)
            {
                release(call);
            }
            return;
        }
        if (status == 100)
        {
            return;
        }
        final ServerTransaction st = call.callerInvite;
        if (status < 200)
        {
            learnCalleeDialog(b, response, false);
            messages.relayResponse(st, response, true, false);
            return;
        }
        b.clientInvite = null;
        if (status < 300)
        {
            learnCalleeDialog(b, response, true);
            b.confirmed = true;
            b.ackPendingCSeq = response.cseqNumber();
            call.a.confirmed = true;
            call.state = Call.State.CONFIRMED;
            messages.relayResponse(st, response, true, false);
            startRetransmitting2xx(call.a, st.cseq());
            return;
        }
        messages.relayResponse(st, response, false, status < 400);
        release(call);
    }

    private void onRelayedResponse(final ClientTransaction ct, final ServerTransaction st, final SipMessage response)
    {
        final int status = response.statusCode();
        if (st.state() == ServerTransaction.State.TERMINATED || st.isFinal())
        {
            if (ct.method() == SipMethod.INVITE && status >= 200 && status < 300)
            {
                // The request was cancelled or its leg ended, but the peer accepted: acknowledge, then hang up.
                final Leg peer = legOf(ct);
                if (peer != null)
                {
                    peer.ackPendingCSeq = response.cseqNumber();
                    messages.sendAck(peer, null);
                }
            }
            return;
        }
        final Leg leg = (Leg)st.context;
        final Leg peer = leg.peer();
        if (status < 200)
        {
            if (status > 100 && ct.method() == SipMethod.INVITE)
            {
                messages.relayResponse(st, response, true, false);
            }
            return;
        }
        clearInvite(st, ct);
        final boolean invite = ct.method() == SipMethod.INVITE;
        if (status < 300 && invite)
        {
            final NameAddr contact = response.contact();
            if (contact != null)
            {
                peer.remoteTarget = contact.uri().toString();
            }
            peer.ackPendingCSeq = response.cseqNumber();
            messages.relayResponse(st, response, true, false);
            startRetransmitting2xx(leg, st.cseq());
            return;
        }
        if (status < 300 && ct.method() == SipMethod.UPDATE)
        {
            final NameAddr contact = response.contact();
            if (contact != null)
            {
                peer.remoteTarget = contact.uri().toString();
            }
        }
        messages.relayResponse(st, response, status < 300 && isTargetRefresh(ct.method()), status >= 300 && status < 400);
    }

    // ---- BYE and CANCEL ----------------------------------------------------------------------------------------

    private void onBye(final Leg leg, final ServerTransaction st)
    {
        messages.respond(st, 200, "OK", null, null);
        if (leg.terminated)
        {
            return; // BYEs crossed: ours to this leg is on its way
        }
        leg.terminated = true;
        stopRetransmitting2xx(leg);
        final Call call = leg.call;
        final Leg peer = leg.peer();
        if (call.state == Call.State.INITIATING)
        {
            // The caller hung up an early dialog: that is a CANCEL of the callee's INVITE.
            if (!call.callerInvite.isFinal())
            {
                messages.respond(call.callerInvite, 487, "Request Terminated", null, null);
            }
            cancelCallee(call);
            return;
        }
        if (!peer.terminated)
        {
            messages.sendBye(peer, BYE);
            call.byesOutstanding++;
            call.state = Call.State.TERMINATING;
        }
        if (call.byesOutstanding == 0)
        {
            release(call);
        }
    }

    private void onByeDone(final ClientTransaction ct)
    {
        final Call call = (Call)ct.context;
        if (call != null && --call.byesOutstanding <= 0)
        {
            release(call);
        }
    }

    private void cancelCallee(final Call call)
    {
        call.cancelled = true;
        final ClientTransaction invite = call.calleeInvite;
        if (invite.finalStatus() != 0 || invite.state() == ClientTransaction.State.TERMINATED)
        {
            release(call);
        }
        else if (invite.provisionalSeen())
        {
            messages.sendCancel(invite);
        }
        else
        {
            call.cancelPending = true;
        }
    }

    // ---- 2xx retransmission (RFC 3261 §13.3.1.4) -------------------------------------------------------------

    private void startRetransmitting2xx(final Leg leg, final long cseq)
    {
        leg.pending2xx = outbox.copyOfMessage();
        leg.pending2xxCSeq = cseq;
        if (!TransactionLayer.isReliable(leg.transport))
        {
            leg.retransmitIntervalNs = config.t1Ns();
            leg.retransmitTimer = timers.schedule(config.t1Ns(), leg);
        }
        leg.giveUpTimer = timers.schedule(64 * config.t1Ns(), leg);
    }

    private void stopRetransmitting2xx(final Leg leg)
    {
        leg.retransmitTimer = timers.cancel(leg.retransmitTimer);
        leg.giveUpTimer = timers.cancel(leg.giveUpTimer);
        leg.pending2xx = null;
        leg.pending2xxCSeq = -1;
    }

    /** Called by {@link Leg#onTimer}. */
    void onLegTimer(final Leg leg, final long timerId, final long nowNs)
    {
        if (timerId == leg.retransmitTimer && leg.pending2xx != null)
        {
            outbox.resend(leg.transport, leg.flow, leg.connectionId, leg.pending2xx);
            leg.retransmitIntervalNs = Math.min(2 * leg.retransmitIntervalNs, config.t2Ns());
            leg.retransmitTimer = timers.schedule(leg.retransmitIntervalNs, leg);
        }
        else if (timerId == leg.giveUpTimer)
        {
            // No ACK within 64*T1: the session is over; end it on both legs with BYE.
            leg.giveUpTimer = EngineTimers.NO_TIMER;
            stopRetransmitting2xx(leg);
            final Call call = leg.call;
            for (final Leg each : new Leg[]{leg, leg.peer()})
            {
                if (!each.terminated && each.confirmed)
                {
                    messages.sendBye(each, BYE);
                    call.byesOutstanding++;
                }
            }
            call.state = Call.State.TERMINATING;
            if (call.byesOutstanding == 0)
            {
                release(call);
            }
        }
    }

    // ---- building messages -----------------------------------------------------------------------------------

    private void learnCalleeDialog(final Leg b, final SipMessage response, final boolean routeSet)
    {
        final AsciiView tag = response.to().tag();
        if (!tag.isEmpty())
        {
            b.remoteTag = tag.toString();
        }
        final NameAddr contact = response.contact();
        if (contact != null)
        {
            b.remoteTarget = contact.uri().toString();
        }
        if (routeSet)
        {
            b.routeSet = messages.recordRoutes(response, true);
        }
    }

    private void clearInvite(final ServerTransaction st, final ClientTransaction ct)
    {
        if (ct.method() != SipMethod.INVITE)
        {
            return;
        }
        final Object context = st.context;
        if (context instanceof Leg)
        {
            final Leg leg = (Leg)context;
            leg.serverInvite = null;
            leg.peer().clientInvite = null;
        }
    }

    private Leg legOf(final ClientTransaction ct)
    {
        final Object context = ((ServerTransaction)ct.context).context;
        return context instanceof Leg ? ((Leg)context).peer() : null;
    }

    /** Ends a call: its legs leave the map and their timers stop. Transactions under way finish on their own. */
    private void release(final Call call)
    {
        if (call.state == Call.State.ENDED)
        {
            return;
        }
        call.state = Call.State.ENDED;
        for (final Leg leg : new Leg[]{call.a, call.b})
        {
            stopRetransmitting2xx(leg);
            leg.terminated = true;
            legs.remove(leg.id);
        }
        callCount--;
    }

    /** An INVITE offer/answer is open on the call in either direction (RFC 3261 §14.2: answer 491). */
    private static boolean inviteInProgress(final Leg leg, final Leg peer)
    {
        return leg.serverInvite != null || leg.clientInvite != null || leg.pending2xx != null ||
            leg.ackPendingCSeq >= 0 || peer.serverInvite != null || peer.clientInvite != null ||
            peer.pending2xx != null || peer.ackPendingCSeq >= 0;
    }

    private static boolean isTargetRefresh(final int method)
    {
        return (method & (SipMethod.INVITE | SipMethod.UPDATE | SipMethod.SUBSCRIBE | SipMethod.NOTIFY |
            SipMethod.REFER)) != 0;
    }

}
