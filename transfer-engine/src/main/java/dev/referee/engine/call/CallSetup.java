package dev.referee.engine.call;

import dev.referee.engine.auth.ProxyAuthenticator;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipStatus;

import java.net.InetSocketAddress;

/**
 * Setting a call up (RFC 3261 §13): the caller's INVITE becomes a call of two legs, the callee's answers are relayed
 * (or handed to a blonde transfer waiting for them, or followed when they redirect), and a caller's CANCEL reaches
 * the callee once it may (RFC 3261 §9.1). Engine thread only.
 */
final class CallSetup
{
    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final IdGenerator ids;
    private final EngineEvents events;
    /** Where calls refused at sip.max-calls are counted (null: nowhere). */
    private final EngineCounters counters;
    private RedirectListener redirects;
    private String lastOfferType;

    CallSetup(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final EngineTimers timers, final IdGenerator ids, final EngineEvents events, final EngineCounters counters)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.timers = timers;
        this.ids = ids;
        this.events = events;
        this.counters = counters;
    }

    /** Who follows a callee's 3xx (the transfer package: redirects are under the transfer policy). */
    void redirects(final RedirectListener redirects)
    {
        this.redirects = redirects;
    }

    /** An INVITE without To tag: a new call (RFC 3261 §13.3). The server transaction exists; 100 Trying goes now. */
    void onInitialInvite(final SipMessage request, final ServerTransaction st, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        if (b2bua.callCount() >= b2bua.config().maxCalls())
        {
            if (counters != null)
            {
                counters.increment(EngineCounters.CALL_LIMIT);
            }
            messages.respond(st, SipStatus.SERVICE_UNAVAILABLE, "Retry-After", "5");
            return;
        }
        final TrunkConfig trunk = b2bua.trunks().trunkOf(source.getAddress());
        // Before routing and Replaces: a trunk that authenticates tells an unauthenticated source nothing else.
        if (b2bua.authenticator().admit(trunk, request, st, timers.nowNs()) == ProxyAuthenticator.Verdict.ANSWERED)
        {
            return;
        }
        if (request.findHeader(HeaderName.REPLACES, 0) >= 0)
        {
            b2bua.pickups().onInviteWithReplaces(request, st, transport, source, connectionId);
            return;
        }
        final Route route = b2bua.router().route(request.requestUriView().user());
        if (route == null)
        {
            messages.respond(st, SipStatus.NOT_FOUND, null, null);
            return;
        }
        final TrunkAdmission.Refusal refusal = b2bua.admission().admit(trunk, route, timers.nowNs());
        if (refusal != null)
        {
            refuse(st, trunk, route, refusal);
            return;
        }
        if (b2bua.media() != null &&
            !b2bua.media().hasRoomForCall(request.buffer(), request.bodyOffset(), request.bodyLength()))
        {
            // Every media port pair of media.ports is in use: nothing of the call is made (issue 10).
            messages.respond(st, SipStatus.SERVICE_UNAVAILABLE, "Retry-After", "5");
            b2bua.callMedia().portsExhausted();
            return;
        }
        transactions.startResponse(st, SipStatus.TRYING).endWithoutBody();
        transactions.send(st, 100);

        final Call call = b2bua.calls().newCallerCall();
        final Leg a = call.a;
        b2bua.calls().takeDialogOf(a, request, transport, source, connectionId);

        final Leg b = call.b;
        b.callId = ids.callId();
        b.localTag = ids.tag(b.id);
        b.localUri = a.remoteUri;
        b.remoteUri = a.localUri;
        b.remoteTarget = messages.strings().requestUri(
            request.requestUriView().user(), b2bua.router().targetSuffix(route));
        final RouteTarget first = b2bua.failover().first(call, route);
        if (first != route.targets().get(0))
        {
            b.remoteTarget = RouteFailover.requestUri(b.remoteTarget, first);
        }
        b.transport = first.transport();
        b.flow = first.address();
        b.localCSeq = 1;

        st.localTag = a.localTag;
        st.context = call;
        call.callerInvite = st;
        if (request.bodyLength() > 0)
        {
            call.callerOffer = messages.copies().copy(request.buffer(), request.bodyOffset(), request.bodyLength());
            // Nearly every offer is application/sdp: the String of the last one is kept and shared while it repeats.
            if (!request.contentType().contentEquals(lastOfferType))
            {
                lastOfferType = request.contentType().toString();
            }
            call.callerOfferType = lastOfferType;
        }
        call.tryTarget(b.remoteTarget);
        b2bua.calls().register(call);
        b2bua.callMedia().from(a, request);

        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        call.triggeredBy(request);
        final SipMessageWriter writer = messages.startRequest(b, "INVITE", b.localCSeq, branch, call.maxForwards);
        writer.header("Contact", messages.contact(b.transport, b.flow));
        b2bua.sessions().offer(writer, b2bua.config().reliableProvisionals() && call.callerOffer != null, call);
        b2bua.sessions().onPeerRequest(a, request);
        b2bua.reliableProvisionals().onInvite(a, request);
        messages.copyEndToEnd(request, a, b, writer);
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, SipMethod.INVITE, "INVITE", b.transport, b.flow, b.connectionId);
        events.onCallCreated(timers.nowNs(), call.id, 0, a.callId, b.callId, a.remoteUri, a.localUri, b.remoteTarget);
        ct.use(ClientPurpose.INITIAL_INVITE, call);
        st.relayedTo = ct;
        call.calleeInvite = ct;
        b.clientInvite = ct;
        final boolean offer = request.bodyLength() > 0;
        a.received(OfferAnswer.Carrier.INVITE, offer, timers.nowNs());
        b.sent(OfferAnswer.Carrier.INVITE, offer, timers.nowNs());
    }

    /**
     * A new call the caller's trunk may not place: 403 for a route it may not take, 503 with the trunk's Retry-After
     * past a limit; a Reason says which (RFC 3326). Nothing of the call was made.
     */
    private void refuse(final ServerTransaction st, final TrunkConfig trunk, final Route route,
        final TrunkAdmission.Refusal refusal)
    {
        final int status = refusal == TrunkAdmission.Refusal.ROUTE ? SipStatus.FORBIDDEN : SipStatus.SERVICE_UNAVAILABLE;
        final String why = switch (refusal)
        {
            case ROUTE -> "trunk " + trunk.name() + " may not take route " +
                (route.name() == null ? "(unnamed)" : route.name());
            case CALL_LIMIT -> "trunk " + trunk.name() + " has " + trunk.calls().maxCalls() + " calls up (limits.calls)";
            case RATE -> "trunk " + trunk.name() + " is over " + trunk.calls().callsPerSecond() +
                " new calls per second (limits.cps)";
        };
        if (st.localTag == null)
        {
            st.localTag = ids.tag(0);
        }
        final SipMessageWriter writer = transactions.startResponse(st, status);
        if (status == SipStatus.SERVICE_UNAVAILABLE)
        {
            writer.header("Retry-After", Integer.toString(trunk.calls().retryAfterSeconds()));
        }
        // A trunk or route name is the operator's text: no quote or backslash may end the quoted string early.
        writer.header("Reason", "SIP;cause=" + status + ";text=\"" + why.replace('"', '\'').replace('\\', '/') + "\"");
        writer.endWithoutBody();
        transactions.send(st, status);
    }

    void onCalleeInviteResponse(final ClientTransaction ct, final Call call, final SipMessage response)
    {
        final int status = response.statusCode();
        final Leg b = call.b;
        b.connectionId = ct.connectionId();
        if (call.state().isCancelled() || call.state() == Call.State.ENDED)
        {
            if (status < 200 && call.state() == Call.State.CANCEL_PENDING)
            {
                messages.sendCancel(ct);
                call.state(Call.State.CANCELLING, timers.nowNs(), "provisional: CANCEL sent");
            }
            else if (status >= 200 && status < 300)
            {
                b2bua.learnDialog(b, response, true);
                if (!b.isTerminated())
                {
                    // Cancelled, not yet released: the 2xx crossed the CANCEL and answers the offer still open.
                    b.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
                }
                b.ackPendingCSeq = (int)response.cseqNumber();
                messages.sendAck(b, null);
                messages.sendBye(b, ClientPurpose.ORPHAN);
                b2bua.release(call, cancelCause(call), cancelStatus(call));
            }
            else if (status >= 300)
            {
                b.offerFailed(timers.nowNs(), "INVITE cancelled");
                b2bua.release(call, cancelCause(call), cancelStatus(call));
            }
            return;
        }
        if (status == 100)
        {
            return;
        }
        final ServerTransaction st = call.callerInvite;
        if (call.blonde != null && call.blonde.isActive() && onBlondeTargetResponse(call, ct, response))
        {
            return;
        }
        if (status < 200)
        {
            final long rseq = b2bua.pracks().accept(b, response);
            if (rseq == PrackSender.NOT_IN_ORDER)
            {
                return; // a reliable provisional again, or out of order: not processed further (RFC 3262 §4)
            }
            events.onLegRinging(timers.nowNs(), call.id, status);
            b2bua.learnDialog(b, response, false);
            if (rseq > 0)
            {
                b2bua.pracks().acknowledge(b, response, rseq);
            }
            if (b2bua.reliableProvisionals().sendsReliably(call.a, st))
            {
                b2bua.reliableProvisionals().relay(st, call.a, ct, response);
            }
            else
            {
                messages.relayResponse(st, call.a, ct, response, true, false);
            }
            return;
        }
        b.clientInvite = null;
        b2bua.pracks().onFinal(b);
        if (status < 300)
        {
            b2bua.learnDialog(b, response, true);
            b.state(Leg.State.CONFIRMED, timers.nowNs(), "callee answered");
            b2bua.sessions().onAnswer(b, response);
            b.ackPendingCSeq = (int)response.cseqNumber();
            final boolean body = response.bodyLength() > 0;
            if (b2bua.reliableProvisionals().hold2xx(st, call.a, ct, response))
            {
                // RFC 3262 §3: the caller has not acknowledged a reliable 18x with SDP. The callee's dialog is
                // confirmed (its ACK goes with the caller's, as always); the caller's leg and the call stay as they
                // are until the PRACK comes (answerCaller) or the call ends without it.
                b.received(OfferAnswer.Carrier.SUCCESS, body, timers.nowNs());
                return;
            }
            confirmCaller(call);
            b.received(OfferAnswer.Carrier.SUCCESS, body, timers.nowNs());
            messages.relayResponse(st, call.a, ct, response, true, false);
            callerAnswered(call, st, body);
            return;
        }
        // The callee's offer/answer is void whatever comes next: another target is tried, or the caller is refused.
        b.offerFailed(timers.nowNs(), "INVITE refused or redirected");
        // RFC 4028 §7.4: a B2BUA asks the callee again with the interval its 422 requires; the caller never sees it.
        if (status == SipStatus.SESSION_INTERVAL_TOO_SMALL && b2bua.sessions().retryIntervalTooSmall(call, response))
        {
            // The same target, a new INVITE: no early dialog of the refused one carries over (no To tag, no route set).
            b.remoteTag = null;
            b.routeSet = java.util.List.of();
            redirectCallee(call);
            return;
        }
        // A 3xx is followed; so is the failure of a redirect target while Contacts remain to be tried.
        if ((status < 400 || call.redirects > 0) && redirects.onRedirect(call, response))
        {
            return;
        }
        // A route target that is unavailable or gave up: the route's next target (RFC 3263 §4.3's rule for 503).
        if ((status == SipStatus.SERVICE_UNAVAILABLE || status == SipStatus.REQUEST_TIMEOUT) &&
            b2bua.failover().tryNext(call, b2bua))
        {
            return;
        }
        messages.relayResponse(st, call.a, ct, response, false, status < 400);
        call.a.offerFailed(timers.nowNs(), "INVITE refused");
        b2bua.release(call, EndCause.REJECTED, status);
    }

    /**
     * The callee's INVITE {@code ct} got no final response: one that rang too long (Timer C) is CANCELled; one never
     * answered at all (Timer B) goes to the route's next target while one is left. Otherwise the caller gets 408 and
     * the call ends.
     */
    void onCalleeInviteTimeout(final ClientTransaction ct, final long nowNs)
    {
        final Call call = (Call)ct.context();
        if (ct.provisionalSeen() && ct.finalStatus() == 0)
        {
            messages.sendCancel(ct); // Timer C: it rang too long
        }
        else if (call.state() == Call.State.INITIATING && ct == call.calleeInvite && call.hasAlternates())
        {
            // Timer B without a word from the target: the route's next target.
            call.b.clientInvite = null;
            call.b.offerFailed(nowNs, "INVITE timed out");
            b2bua.failover().tryNext(call, b2bua);
            return;
        }
        if (call.state() != Call.State.ENDED)
        {
            if (!call.callerInvite.isFinal())
            {
                messages.respond(call.callerInvite, SipStatus.REQUEST_TIMEOUT, null, null);
            }
            call.a.offerFailed(nowNs, "INVITE timed out");
            call.b.offerFailed(nowNs, "INVITE timed out");
            b2bua.release(call, EndCause.TIMEOUT, 408);
        }
    }

    /** The callee answered: the caller's leg and the call are confirmed. */
    private void confirmCaller(final Call call)
    {
        call.a.state(Leg.State.CONFIRMED, timers.nowNs(), "callee answered");
        call.state(Call.State.CONFIRMED, timers.nowNs(), "callee answered");
        events.onLegAnswered(timers.nowNs(), call.id);
    }

    /** The 2xx went to the caller: its offer/answer move, its session timer, retransmitted until the ACK. */
    private void callerAnswered(final Call call, final ServerTransaction st, final boolean body)
    {
        call.a.sent(OfferAnswer.Carrier.SUCCESS, body, timers.nowNs());
        b2bua.sessions().answered(call.a);
        b2bua.startRetransmitting2xx(call.a, st.cseq());
    }

    /**
     * Sends the callee's 2xx held for the caller's PRACK ({@link ReliableProvisionals#hold2xx}), {@code held} as it
     * was written when it came, of {@code status}, with a body or not: the call is answered now.
     */
    void answerCaller(final Call call, final StoredMessage held, final int status, final boolean body)
    {
        final ServerTransaction st = call.callerInvite;
        if (call.state() != Call.State.INITIATING || st.isFinal() || st.state() == ServerTransaction.State.TERMINATED)
        {
            return; // the call ended or was cancelled meanwhile: the held 2xx is only given back
        }
        confirmCaller(call);
        messages.outbox().begin().append(held.buffer(), 0, held.length());
        transactions.send(st, status);
        callerAnswered(call, st, body);
    }

    /**
     * A blonde transfer waits for this call's callee: its answer goes to the transfer, and the transferor's consultation
     * INVITE gets 487 (its dialog is replaced). Returns false when the response takes the usual path.
     */
    private boolean onBlondeTargetResponse(final Call call, final ClientTransaction ct, final SipMessage response)
    {
        final int status = response.statusCode();
        final CallTransfer transfer = call.blonde;
        if (status < 200)
        {
            b2bua.transfers().onBlondeRinging(transfer, status, response.reasonPhrase().toString());
            return false;
        }
        if (status >= 300)
        {
            b2bua.transfers().onBlondeFailed(transfer, status, response.reasonPhrase().toString());
            return false;
        }
        final Leg b = call.b;
        b.clientInvite = null;
        b2bua.learnDialog(b, response, true);
        b.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        b.state(Leg.State.CONFIRMED, timers.nowNs(), "blonde transfer target answered");
        b.ackPendingCSeq = (int)response.cseqNumber();
        messages.sendAck(b, null);
        call.state(Call.State.CONFIRMED, timers.nowNs(), "blonde transfer target answered");
        events.onLegAnswered(timers.nowNs(), call.id);
        if (!call.callerInvite.isFinal())
        {
            messages.respond(call.callerInvite, SipStatus.REQUEST_TERMINATED, null, null);
        }
        call.a.state(Leg.State.TERMINATED, timers.nowNs(), "replaced by a blonde transfer");
        call.a.offerFailed(timers.nowNs(), "replaced by a blonde transfer");
        b2bua.transfers().onBlondeAnswered(transfer);
        return true;
    }

    void cancelCallee(final Call call)
    {
        cancelCallee(call, null);
    }

    /**
     * The caller gave up; {@code cancel}, the caller's CANCEL or null, lends what may cross of it to the CANCEL sent
     * now (not to one sent later, once a provisional comes).
     */
    void cancelCallee(final Call call, final SipMessage cancel)
    {
        final ClientTransaction invite = call.calleeInvite;
        if (invite.finalStatus() != 0 || invite.state() == ClientTransaction.State.TERMINATED)
        {
            if (call.b.isConfirmed() && b2bua.reliableProvisionals().holds2xx(call.a))
            {
                // The callee's 2xx was held for the caller's PRACK (RFC 3262 §3): its dialog is confirmed, so it is
                // acknowledged and ended with BYE (sendBye ACKs first) where an INVITE still ringing gets a CANCEL.
                messages.sendBye(call.b, ClientPurpose.ORPHAN);
            }
            b2bua.release(call, cancelCause(call), cancelStatus(call));
        }
        else if (invite.provisionalSeen())
        {
            messages.sendCancel(invite, cancel, call.a, call.b);
            call.state(Call.State.CANCELLING, timers.nowNs(), "caller gave up: CANCEL sent");
        }
        else
        {
            call.state(Call.State.CANCEL_PENDING, timers.nowNs(), "caller gave up before a provisional");
        }
    }

    /**
     * Why a call whose callee was cancelled ended: the caller gave up, or (node-start version 6 on) it never
     * acknowledged a reliable provisional and its INVITE got 500 ({@link ReliableProvisionals}), or (8 on) the relay
     * could not open its media ports and its INVITE got 503 (CallMedia.onOpenFailed).
     */
    private static EndCause cancelCause(final Call call)
    {
        return call.endCause == EndCause.NO_PRACK || call.endCause == EndCause.MEDIA_FAILED ? call.endCause :
            EndCause.CANCELLED;
    }

    private static int cancelStatus(final Call call)
    {
        return call.endCause == EndCause.NO_PRACK ? SipStatus.SERVER_INTERNAL_ERROR :
            call.endCause == EndCause.MEDIA_FAILED ? SipStatus.SERVICE_UNAVAILABLE : SipStatus.REQUEST_TERMINATED;
    }

    /**
     * Sends the caller's INVITE again to the callee leg's target: a new one (a redirect Contact, the route's next
     * target), or the same after its 422 (RFC 4028 §7.4, with the interval it asked for).
     */
    void redirectCallee(final Call call)
    {
        final Leg callee = call.b;
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        // The caller's INVITE again: with the Max-Forwards it had, so that a chain of redirects ends (RFC 7332).
        final SipMessageWriter writer = messages.startRequest(callee, "INVITE", ++callee.localCSeq, branch,
            b2bua.config().carriesMaxForwards() ? call.maxForwards : SipLimits.MAX_FORWARDS);
        writer.header("Contact", messages.contact(callee.transport, callee.flow));
        b2bua.sessions().offer(writer, b2bua.config().reliableProvisionals() && call.callerOffer != null, call);
        if (call.callerOffer != null)
        {
            messages.endWithBody(callee, call.callerOfferType, call.callerOffer.buffer(), 0, call.callerOffer.length(),
                writer);
        }
        else
        {
            writer.endWithoutBody();
        }
        final ClientTransaction ct = transactions.clients().sendRequest(
            clientId, branch, SipMethod.INVITE, "INVITE", callee.transport, callee.flow, callee.connectionId);
        ct.use(ClientPurpose.INITIAL_INVITE, call);
        call.callerInvite.relayedTo = ct;
        call.calleeInvite = ct;
        callee.clientInvite = ct;
        callee.sent(OfferAnswer.Carrier.INVITE, call.callerOffer != null, timers.nowNs());
    }
}
