package dev.referee.engine.call;

import dev.referee.engine.auth.ProxyAuthenticator;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.id.IdKey;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;
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
import dev.referee.sip.SipStatus;
import dev.referee.transport.Addresses;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The back-to-back user agent: turns a caller's INVITE into a call with two legs and relays what happens on one
 * leg to the other (RFC 3261 §13-15 on each leg; RFC 7092 for the B2BUA's role). Engine thread only.
 */
public final class B2bua implements TransactionUser
{
    /** The configuration in force: the one the engine was built with, or the latest {@link #reconfigure}. */
    private EngineConfig config;
    private final TransactionLayer transactions;
    private final EngineTimers timers;
    private final Outbox outbox;
    private final EngineCounters counters;
    private final IdGenerator ids;
    private Router router;
    private final LegMessages messages;
    private final EngineEvents events;
    private final CallSetup setup;
    private final ForkedAnswers forkedAnswers;
    private final EarlyDialogs earlyDialogs = new EarlyDialogs();
    private final AbandonedCalls abandoned = new AbandonedCalls();
    /** What the B2BUA hands to the transfer package (wired by the engine with {@link #attach}). */
    private TransferListener transfers;
    private PickupListener pickups;
    private final Transitions transitions;
    private final CallRegistry calls;
    private TrunkDirectory trunks;
    private TrunkAdmission admission;
    private TargetHealth health;
    private final RouteFailover failover;
    private final ProxyAuthenticator authenticator;
    private final SessionTimers sessions;
    private final PrackSender pracks;
    private final ReliableProvisionals reliableProvisionals;
    /** The legs' media endpoints in the relay; null when media passes through (media.enabled false). */
    private final MediaAnchor media;
    /** What calls tell the media anchor, and what the relay's reports do to calls. */
    private final CallMedia callMedia;
    private final LegInvites invites;
    private final DialogLearning dialogs;
    private final Invite2xxRetransmission retransmission;
    private final AbandonedInvites abandonedInvites;

    /** {@code counters}: where the trunks' call policy counts go (null: nowhere). */
    public B2bua(final EngineConfig config, final TransactionLayer transactions, final EngineTimers timers,
        final Outbox outbox, final IdGenerator ids, final EngineEvents events, final Transitions transitions,
        final EngineCounters counters)
    {
        this.transitions = transitions;
        this.events = events;
        this.config = config;
        this.transactions = transactions;
        this.timers = timers;
        this.outbox = outbox;
        this.counters = counters;
        this.ids = ids;
        this.router = new Router(config.routes());
        this.trunks = new TrunkDirectory(config.trunks());
        this.admission = new TrunkAdmission(config.trunks(), counters);
        // A version 1 journal has no key (and no trunk with auth): its seed keys the nonces, which are never made.
        final IdKey key = config.idKey() != null ? config.idKey() : new IdKey(config.seed(), ~config.seed());
        this.authenticator = new ProxyAuthenticator(config.trunks(), key, transactions, ids, admission.counters());
        this.media = config.anchorsMedia() ? new MediaAnchor(config.media()) : null;
        this.messages = new LegMessages(config, transactions, outbox, ids, timers, trunks, media);
        this.health = new TargetHealth(config.routes(), transactions, messages, ids, null);
        this.failover = new RouteFailover(ids, this);
        if (counters != null)
        {
            counters.targets(health.counters());
        }
        this.sessions = new SessionTimers(this, transactions, messages, timers);
        messages.sessions(sessions);
        this.pracks = new PrackSender(this, transactions, messages, timers, counters);
        this.reliableProvisionals = new ReliableProvisionals(this, transactions, messages, timers, ids, counters);
        this.calls = new CallRegistry(this, ids, messages);
        this.setup = new CallSetup(this, transactions, messages, timers, ids, events);
        this.forkedAnswers = new ForkedAnswers(this, calls, messages, outbox, timers);
        this.callMedia = new CallMedia(this, media, setup, messages, timers, events, counters);
        this.invites = new LegInvites(this, transactions, messages, sessions, timers, ids, media);
        this.dialogs = new DialogLearning(this, messages, earlyDialogs);
        this.retransmission = new Invite2xxRetransmission(this, outbox, timers);
        this.abandonedInvites = new AbandonedInvites(this, messages, dialogs, timers);
    }

    /**
     * The configuration in force: the one the engine was built with until a {@link #reconfigure} (snapshots ask which
     * layout its journal has; the parts of the engine read their settings here at the moment they use them).
     */
    public EngineConfig config()
    {
        return config;
    }

    /**
     * From now on, {@code next}'s routes, trunks (sources, policies, limits, auth), transfer, redirect and webhook
     * settings and call and transaction limits apply (a reload, docs/operations.md). Calls under way are kept: each
     * leg's peer is classified again with the new trunks, the calls count against the trunks they now belong to, and
     * a trunk kept by name keeps its token bucket and its counters. What a reload cannot change (listen addresses,
     * timers, identifier key, behaviour) was checked by the caller ({@link EngineConfig#reloadableFrom}).
     */
    public void reconfigure(final EngineConfig next)
    {
        // Every call leaves the old trunks' counts and joins the new ones': TrunkAdmission's rule, evaluated again.
        final List<Call> callsUnderWay = new ArrayList<>();
        for (final Leg leg : calls.legs().values())
        {
            if (leg.call != null && leg.call.a == leg)
            {
                callsUnderWay.add(leg.call);
                admission.uncount(leg.call);
            }
        }
        final TrunkAdmission previous = admission;
        config = next;
        router = new Router(next.routes());
        trunks = new TrunkDirectory(next.trunks());
        admission = new TrunkAdmission(next.trunks(), counters, previous);
        authenticator.reconfigure(next.trunks(), admission.counters());
        messages.reconfigure(next, trunks);
        health = new TargetHealth(next.routes(), transactions, messages, ids, health);
        if (counters != null)
        {
            counters.targets(health.counters());
        }
        calls.legs().values().forEach(Leg::forgetTrunk);
        callsUnderWay.forEach(admission::count);
    }


    /** Which trunk an address belongs to. */
    public TrunkDirectory trunks()
    {
        return trunks;
    }

    /**
     * Wires in what the B2BUA does not do itself: REFERs and transfers, pickups (INVITE with Replaces), following
     * redirects. Called once by the engine, before the first input, with the transfer package's parts.
     */
    public void attach(final TransferListener transfers, final PickupListener pickups,
        final RedirectListener redirects)
    {
        this.transfers = transfers;
        this.pickups = pickups;
        setup.redirects(redirects);
    }

    /** Digest authentication of the trunks with {@code auth}: INVITEs that make dialogs, and REFERs. */
    public ProxyAuthenticator authenticator()
    {
        return authenticator;
    }

    /** Each trunk's calls up and new-call limits; counts calls against trunks. */
    public TrunkAdmission admission()
    {
        return admission;
    }

    /** Where every state machine of calls, legs and transfers reports. */
    public Transitions transitions()
    {
        return transitions;
    }

    /** Every call and leg the engine holds; where new ones are made. */
    public CallRegistry calls()
    {
        return calls;
    }

    public int callCount()
    {
        return calls.callCount();
    }

    public int legCount()
    {
        return calls.legCount();
    }

    /** Each leg's session timer (RFC 4028). */
    SessionTimers sessions()
    {
        return sessions;
    }

    /** PRACKs for the callee's reliable provisionals (RFC 3262 §4). */
    PrackSender pracks()
    {
        return pracks;
    }

    /** The reliable provisionals Referee sends callers (RFC 3262 §3). */
    ReliableProvisionals reliableProvisionals()
    {
        return reliableProvisionals;
    }

    /**
     * The caller of {@code call} never acknowledged a reliable provisional (its INVITE was answered 500): the callee's
     * INVITE is cancelled, and the call ends with cause no-prack.
     */
    void noPrack(final Call call)
    {
        if (call == null || call.state() == Call.State.ENDED)
        {
            return;
        }
        call.endCause = EndCause.NO_PRACK;
        call.a.offerFailed(timers.nowNs(), "reliable provisional not acknowledged");
        if (call.state() == Call.State.INITIATING)
        {
            setup.cancelCallee(call);
        }
    }

    /** The caller acknowledged what held the callee's 2xx (RFC 3262 §3): it goes now, {@code held} as written. */
    void answerCaller(final Call call, final StoredMessage held, final int status, final boolean body)
    {
        if (call != null)
        {
            setup.answerCaller(call, held, status, body);
        }
    }

    /** For call setup: a blonde transfer's target answers. */
    TransferListener transfers()
    {
        return transfers;
    }

    /** For call setup: an INVITE with Replaces. */
    PickupListener pickups()
    {
        return pickups;
    }

    /** Writes and sends what Referee originates on a leg, and the responses it makes; the transfers use it too. */
    public LegMessages messages()
    {
        return messages;
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    /** An INVITE without To tag: a new call (RFC 3261 §13.3). The server transaction exists. */
    public void onInitialInvite(final SipMessage request, final ServerTransaction st, final int transport,
        final InetSocketAddress source, final long connectionId)
    {
        setup.onInitialInvite(request, st, transport, source, connectionId);
    }

    /** A transfer webhook answered request {@code requestId}. */
    public void onWebhookAnswer(final long requestId, final boolean accept, final CharSequence target)
    {
        transfers.onWebhookAnswer(requestId, accept, target);
    }

    /** The leg whose local tag is {@code localTag} in dialog {@code callId}; null when none. */
    /** The early dialogs of legs whose INVITE forked (CallRegistry forgets a leg's; snapshots hold them). */
    EarlyDialogs earlyDialogs()
    {
        return earlyDialogs;
    }

    /** The forks released per leg (CallRegistry forgets a leg's; snapshots hold them). */
    ForkedAnswers forkedAnswers()
    {
        return forkedAnswers;
    }

    /** The legs' media endpoints; null when media passes through. */
    public MediaAnchor media()
    {
        return media;
    }

    /** What calls tell the media anchor, and what the relay's reports do to calls (no-ops when media passes through). */
    public CallMedia callMedia()
    {
        return callMedia;
    }

    public Leg findLeg(final AsciiView localTag, final AsciiView callId)
    {
        return calls.findLeg(localTag, callId);
    }

    /** A request inside a dialog of {@code leg} (not ACK, not CANCEL). */
    public void onInDialogRequest(final Leg leg, final SipMessage request, final ServerTransaction st,
        final int transport, final InetSocketAddress source, final long connectionId)
    {
        if (!comesFromThePeer(leg, request.from().tag(), source))
        {
            // Knowing a dialog's Call-ID and tags is not enough to end, change or transfer it: the request must come
            // from the host the leg's peer talks from. Nothing of the leg changes (flow, transport, connection).
            st.localTag = leg.localTag;
            messages.respond(st, SipStatus.FORBIDDEN, "Reason", "SIP;cause=403;text=\"not from this dialog's peer\"");
            transitions.unexpected(StateMachine.DIALOG, leg.id, callIdOf(leg), leg.state(),
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
        if (method == SipMethod.PRACK && config.reliableProvisionals())
        {
            // Hop by hop (RFC 3262): a PRACK acknowledges what Referee sent on this leg, never goes to the other.
            reliableProvisionals.onPrack(leg, st, request);
            return;
        }
        if (method == SipMethod.BYE)
        {
            onBye(leg, st, request);
            return;
        }
        if (method == SipMethod.SUBSCRIBE && config.answersReferSubscriptions() && transfers.onSubscribe(leg, request, st))
        {
            return; // the REFER's subscription is Referee's own, whatever became of the dialog's INVITE usage
        }
        if (method == SipMethod.REFER && authenticator.admit(trunks.trunkOf(source.getAddress()), request, st,
            timers.nowNs()) == ProxyAuthenticator.Verdict.ANSWERED)
        {
            // Challenged here, before the transfer policy decides whether to act on the REFER or relay it: either way
            // it moves a call, so an unauthenticated one goes nowhere (issue 7).
            return;
        }
        if (method == SipMethod.REFER && !leg.isTerminated() && transfers.onRefer(leg, request, st, source))
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
            transitions.unexpected(StateMachine.OFFER_ANSWER, leg.id, callIdOf(leg), leg.offerAnswer(),
                "re-INVITE while an INVITE is under way on the call: 491", timers.nowNs());
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
            transactions.startResponse(st, SipStatus.TRYING).endWithoutBody();
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
        if (invite || method == SipMethod.UPDATE)
        {
            // A session refresh of this leg when it succeeds; the relayed request is one of the peer's leg, with its own
            // interval (RFC 4028 per leg: Referee is UAS on one and UAC on the other).
            sessions.onPeerRequest(leg, request);
            sessions.requestHeaders(peer, writer);
        }
        callMedia.from(leg, request);
        messages.copyEndToEnd(request, leg, peer, writer);
        final ClientTransaction ct = transactions.sendRequest(
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

    /** An ACK inside a dialog of {@code leg}: for a 2xx Referee sent (RFC 3261 §13.2.2.4); relayed to the peer. */
    public void onAck(final Leg leg, final SipMessage ack, final InetSocketAddress source)
    {
        if (!comesFromThePeer(leg, ack.from().tag(), source))
        {
            transitions.unexpected(StateMachine.DIALOG, leg.id, callIdOf(leg), leg.state(),
                "ACK from " + source + ", not from the dialog's peer", timers.nowNs());
            return;
        }
        if (leg.pending2xx == null || ack.cseqNumber() != leg.pending2xxCSeq)
        {
            return; // a retransmitted ACK, already relayed
        }
        stopRetransmitting2xx(leg);
        final boolean answer = ack.bodyLength() > 0;
        leg.received(OfferAnswer.Carrier.ACK, answer, timers.nowNs());
        callMedia.from(leg, ack);
        final Leg peer = leg.peer();
        if (peer != null && peer.ackPendingCSeq >= 0 && !peer.isTerminated() &&
            !(peer.ackHeldByTransfer && config.keepsTransfersAcks()))
        {
            messages.sendAck(peer, ack);
            peer.sent(OfferAnswer.Carrier.ACK, answer, timers.nowNs());
        }
    }

    /**
     * {@code cancel} matched INVITE server transaction {@code invite}; the CANCEL itself was answered 200. The CANCEL
     * Referee sends on carries what may cross of it (its Reason: "Call completed elsewhere", RFC 3326).
     */
    public void onCancel(final ServerTransaction invite, final SipMessage cancel)
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
        else if (context instanceof Leg picker && isTakeover(picker) && config.endsCancelledTakeovers())
        {
            // Not a re-INVITE: the INVITE with Replaces that took this call over, cancelled before the peer answered.
            picker.offerFailed(timers.nowNs(), "takeover cancelled");
            pickups.onTakeoverCancelled(picker);
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

    /** A response no live client transaction claims: a 2xx retransmitted after the INVITE transaction ended. */
    public void onStrayResponse(final SipMessage response)
    {
        if (response.statusCode() < 200 || response.statusCode() >= 300 || response.cseqMethod() != SipMethod.INVITE)
        {
            return;
        }
        final Leg leg = findLeg(response.from().tag(), response.callId());
        if (leg != null && config.releasesForkedAnswers())
        {
            forkedAnswers.onAnswer(leg, response);
        }
        else if (leg != null && leg.lastAck != null && leg.lastAckCSeq == response.cseqNumber())
        {
            // Before node-start version 5: whatever its To tag (another fork's too), the leg's ACK went again.
            outbox.resend(leg.transport, leg.flow, leg.connectionId, leg.lastAck);
        }
    }

    /**
     * A 2xx after the first to an INVITE Referee sent (RFC 6026 §7.2): sent again, or another fork's. The leg it is for
     * is found by Referee's tag (From) and the Call-ID; a leg gone since (the call ended within Timer M) needs nothing:
     * its dialog was released, and a fork answering that late ends its own dialog when no ACK comes (RFC 3261
     * §13.3.1.4).
     */
    @Override
    public void onAcceptedResponse(final ClientTransaction ct, final SipMessage response, final long nowNs)
    {
        final Leg leg = findLeg(response.from().tag(), response.callId());
        if (leg != null && config.releasesForkedAnswers())
        {
            forkedAnswers.onAnswer(leg, response);
        }
    }

    // ---- responses to what Referee sent --------------------------------------------------------------------

    @Override
    public void onResponse(final ClientTransaction ct, final SipMessage response, final long nowNs)
    {
        final ClientPurpose purpose = ClientPurpose.of(ct);
        if (purpose == null)
        {
            transitions.unexpected(StateMachine.CLIENT_PURPOSE, ct.id(), 0, null, "response to a request of no purpose",
                nowNs);
            return;
        }
        if (media != null && response.bodyLength() > 0 && response.statusCode() < 300)
        {
            // The response came from the host the request went to (Engine checks it): its SDP is the leg's peer's.
            callMedia.from(findLeg(response.from().tag(), response.callId()), response);
        }
        switch (purpose)
        {
            case INITIAL_INVITE -> setup.onCalleeInviteResponse(ct, (Call)ct.context(), response);
            case RELAYED_INVITE, RELAYED_REQUEST -> onRelayedResponse(ct, (ServerTransaction)ct.context(), response);
            case BYE -> onByeDone(ct);
            case TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE -> transfers.onResponse(ct, response);
            case ABANDONED_INVITE, CANCELLED_INVITE -> abandonedInvites.onResponse(ct, response);
            case PICKUP_REINVITE -> pickups.onTakeoverResponse(ct, response);
            case KEEPALIVE -> health.onResponse(ct);
            case SESSION_REFRESH -> sessions.onRefreshResponse(ct, response);
            case PRACK ->
            {
                // RFC 3262 §4: the PRACK's answer changes nothing; a 481 or 5xx is not a failed call (the INVITE's
                // own final response decides), and the callee sends its provisional again if it needs to.
            }
            case NOTIFY ->
            {
                if (response.statusCode() >= 200)
                {
                    transfers.onNotifyDone(ct);
                }
            }
            case CANCEL, ORPHAN ->
            {
                // Nobody waits for these: a CANCEL's answer says nothing the INVITE's will not; an orphan's leg is gone.
            }
        }
    }

    @Override
    public ClientTransaction.Purpose purposeOf(final int code)
    {
        return ClientPurpose.ofCode(code);
    }

    @Override
    public void onTimeout(final ClientTransaction ct, final long nowNs)
    {
        final ClientPurpose purpose = ClientPurpose.of(ct);
        if (purpose == null)
        {
            transitions.unexpected(StateMachine.CLIENT_PURPOSE, ct.id(), 0, null, "timeout of a request of no purpose",
                nowNs);
            return;
        }
        switch (purpose)
        {
            case INITIAL_INVITE ->
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
                    failover.tryNext(call, this);
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
                    release(call, EndCause.TIMEOUT, 408);
                }
            }
            case RELAYED_INVITE, RELAYED_REQUEST ->
            {
                final ServerTransaction st = (ServerTransaction)ct.context();
                clearInvite(st, ct);
                if (ct.method() == SipMethod.INVITE && st.context instanceof Leg leg)
                {
                    offerFailed(leg, nowNs, "re-INVITE timed out");
                }
                if (!st.isFinal() && st.state() != ServerTransaction.State.TERMINATED)
                {
                    messages.respond(st, SipStatus.REQUEST_TIMEOUT, null, null);
                }
            }
            case BYE -> onByeDone(ct);
            case TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE -> transfers.onTimeout(ct);
            case NOTIFY -> transfers.onNotifyDone(ct);
            case SESSION_REFRESH -> sessions.onRefreshTimeout(ct);
            case CANCEL, ORPHAN, ABANDONED_INVITE, CANCELLED_INVITE, PRACK ->
            {
                // Given up already, or (PRACK) not a failure of the call: nothing more to do when no answer comes.
            }
            case KEEPALIVE -> health.onTimeout(ct);
            case PICKUP_REINVITE ->
            {
                final Leg picker = (Leg)ct.context();
                transitions.unexpected(StateMachine.CLIENT_PURPOSE, ct.id(), callIdOf(picker), purpose,
                    "the picked-up call's peer never answered the re-INVITE", nowNs);
                offerFailed(picker, nowNs, "the picked-up call's peer never answered the re-INVITE");
                if (config.answersTakeoverTimeouts())
                {
                    pickups.onTakeoverTimeout(picker);
                }
            }
        }
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
                    peer.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
                    peer.ackPendingCSeq = (int)response.cseqNumber();
                    messages.sendAck(peer, null);
                }
            }
            else if (ct.method() == SipMethod.INVITE && status >= 300 && legOf(ct) != null)
            {
                legOf(ct).offerFailed(timers.nowNs(), "cancelled re-INVITE refused");
            }
            return;
        }
        final Leg leg = (Leg)st.context;
        final Leg peer = leg.peer();
        if (status < 200)
        {
            if (status > 100 && ct.method() == SipMethod.INVITE)
            {
                messages.relayResponse(st, leg, ct, response, true, false);
            }
            return;
        }
        clearInvite(st, ct);
        final boolean invite = ct.method() == SipMethod.INVITE;
        if (status < 300 && invite)
        {
            // The answering leg may have been unjoined while its re-INVITE was out (its call ended, or a transfer
            // replaced it: found by the engine fuzz target); the answer is still relayed, with no peer to update.
            final NameAddr contact = response.contact();
            if (peer != null)
            {
                if (contact != null)
                {
                    peer.remoteTarget = contact.uri().toString();
                }
                peer.ackPendingCSeq = (int)response.cseqNumber();
                peer.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
                sessions.onAnswer(peer, response);
            }
            messages.relayResponse(st, leg, ct, response, true, false);
            leg.sent(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
            sessions.answered(leg);
            startRetransmitting2xx(leg, st.cseq());
            return;
        }
        if (invite)
        {
            offerFailed(leg, timers.nowNs(), "re-INVITE refused");
        }
        final boolean updated = status < 300 && ct.method() == SipMethod.UPDATE;
        if (updated)
        {
            final NameAddr contact = response.contact();
            if (contact != null && peer != null)
            {
                peer.remoteTarget = contact.uri().toString();
            }
            if (peer != null)
            {
                sessions.onAnswer(peer, response);
            }
        }
        messages.relayResponse(st, leg, ct, response, status < 300 && isTargetRefresh(ct.method()),
            status >= 300 && status < 400);
        if (updated)
        {
            sessions.answered(leg);
        }
    }

    // ---- BYE and CANCEL ----------------------------------------------------------------------------------------

    private void onBye(final Leg leg, final ServerTransaction st, final SipMessage bye)
    {
        messages.respond(st, SipStatus.OK, null, null);
        if (leg.isTerminated())
        {
            return; // BYEs crossed: ours to this leg is on its way
        }
        leg.state(Leg.State.TERMINATED, timers.nowNs(), "BYE received");
        stopRetransmitting2xx(leg);
        final Call call = leg.call;
        final CallTransfer transfer = call.transfer;
        if (transfer != null && leg == transfer.transferor() && transfers.onTransferorBye(transfer))
        {
            return;
        }
        if (transfer != null && transfer.isActive() && leg == transfer.transferee())
        {
            transfers.onTransfereeGone(transfer);
        }
        if (config.targetByeEndsOnlyItsLeg() && transfer != null && transfer.isActive() && leg == transfer.target() &&
            leg != call.a && leg != call.b)
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
            release(call, call.endCause, 0);
        }
    }

    private void onByeDone(final ClientTransaction ct)
    {
        final Call call = (Call)ct.context();
        if (call != null && --call.byesOutstanding <= 0)
        {
            release(call, call.endCause, 0);
        }
    }

    // ---- 2xx retransmission (RFC 3261 §13.3.1.4) -------------------------------------------------------------

    public void startRetransmitting2xx(final Leg leg, final long cseq)
    {
        retransmission.start(leg, cseq);
    }

    private void stopRetransmitting2xx(final Leg leg)
    {
        retransmission.stop(leg);
    }

    /** Called by {@link Leg#onTimer}. */
    void onLegTimer(final Leg leg, final long timerId, final long nowNs)
    {
        if (sessions.onTimer(leg, timerId) || reliableProvisionals.onTimer(leg, timerId))
        {
            return;
        }
        if (retransmission.onTimer(leg, timerId))
        {
            // No ACK within 64*T1: the session is over; end it on both legs with BYE.
            final Call call = leg.call;
            for (final Leg each : new Leg[]{leg, leg.peer()})
            {
                if (each != null && !each.isTerminated() && each.isConfirmed())
                {
                    messages.sendBye(each, ClientPurpose.BYE);
                    call.byesOutstanding++;
                }
            }
            call.state(Call.State.TERMINATING, timers.nowNs(), "no ACK");
            if (call.byesOutstanding == 0)
            {
                release(call, EndCause.NO_ACK, 0);
            }
        }
    }

    // ---- building messages -----------------------------------------------------------------------------------

    /** Takes the peer's tag, Contact and (from a 2xx) route set from a response to an INVITE Referee sent. */
    public void learnDialog(final Leg b, final SipMessage response, final boolean routeSet)
    {
        dialogs.learn(b, response, routeSet);
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
            if (leg.peer() != null)
            {
                leg.peer().clientInvite = null;
            }
        }
    }

    private Leg legOf(final ClientTransaction ct)
    {
        final Object context = ((ServerTransaction)ct.context()).context;
        return context instanceof Leg ? ((Leg)context).peer() : null;
    }

    /** Ends a call: its legs leave the map and their timers stop. Transactions under way finish on their own. */
    public void release(final Call call, final EndCause cause, final int status)
    {
        if (call.state() == Call.State.ENDED)
        {
            return;
        }
        if (call.transfer != null && call.transfer.isActive() && config.endsCallsNobodyIsLeftIn())
        {
            // A transfer under way ends with its call: nothing it does later may go on into an ended call (the engine
            // fuzz findings of a target joined, or a join answered, into a call already released).
            transfers.onCallEnded(call.transfer);
        }
        final EndCause ended = cause == null ? EndCause.ENDED : cause;
        admission.uncount(call); // whatever ends it: the trunk's count goes down exactly once
        call.state(Call.State.ENDED, timers.nowNs(), ended.wire());
        callMedia.closing(call);
        events.onCallEnded(timers.nowNs(), call.id, ended.wire(), status);
        // Only a live call sends its caller's offer again (to a redirect target, in a pickup).
        outbox.release(call.callerOffer);
        call.callerOffer = null;
        for (int i = 0; i < call.legs.size(); i++)
        {
            final Leg leg = call.legs.get(i);
            if (leg.call == call)
            {
                dropLeg(leg);
            }
        }
        calls.ended();
    }

    /** {@code leg}'s dialog ended (Leg#state): its call is looked at after the input ({@link AbandonedCalls}). */
    void legEnded(final Leg leg)
    {
        if (config.endsCallsNobodyIsLeftIn())
        {
            abandoned.legEnded(leg.call);
        }
    }

    /** The end of an input: a call nobody is left in ends (EngineConfig.endsCallsNobodyIsLeftIn). */
    public void endAbandonedCalls()
    {
        abandoned.endEach(this);
    }

    /** Every leg of {@code call} is gone and no BYE of it is outstanding: it ends. */
    void releaseAbandoned(final Call call)
    {
        release(call, call.endCause, 0);
    }

    // ---- what transfers build on ------------------------------------------------------------------------------

    /** The leg is done: it leaves the engine (messages for it get 481) and its timers stop. */
    public void dropLeg(final Leg leg)
    {
        final ClientTransaction invite = leg.clientInvite;
        if (invite != null && invite.finalStatus() == 0 && ClientPurpose.of(invite) == ClientPurpose.TARGET_INVITE &&
            config.givesUpTargetInvitesOfDroppedLegs())
        {
            // A transfer target's leg dropped with its call (the call ended under the transfer): its INVITE is given
            // up, so that the target's answer is acknowledged and hung up, never taken for the transfer's (an engine
            // fuzz finding: the transfer joined a target into a call already ended, and that call was never released).
            leg.clientInvite = null;
            if (invite.provisionalSeen())
            {
                messages.sendCancel(invite);
                cancelled(invite, leg);
            }
            else
            {
                cancelWhenProvisional(invite, leg);
            }
        }
        final ServerTransaction pending = leg.serverInvite;
        if (pending != null && !pending.isFinal() && config.answersPendingInvitesOfDroppedLegs())
        {
            // RFC 3261 §15.1.2: a request pending in a dialog that ends is answered, 487. Before, a pickup's INVITE
            // stayed unanswered when the call it took over ended first (an engine fuzz finding: a transaction held
            // for good).
            leg.serverInvite = null;
            messages.respond(pending, SipStatus.REQUEST_TERMINATED, null, null);
        }
        stopRetransmitting2xx(leg);
        sessions.stop(leg);
        leg.state(Leg.State.TERMINATED, timers.nowNs(), "dropped");
        calls.remove(leg);
        // Only a leg in the map resends its ACK for a retransmitted 2xx (onStrayResponse): the copy can go back.
        outbox.release(leg.lastAck);
        leg.lastAck = null;
    }

    /**
     * Sends the first INVITE of {@code leg}'s new dialog (CSeq 1), without offer: the answer brings one (RFC 3261
     * §13.2.1).
     */
    public ClientTransaction invite(final Leg leg, final InviteHeaders headers, final ClientPurpose purpose,
        final Object context)
    {
        return invites.invite(leg, headers, purpose, context, null);
    }

    /**
     * As above, offering the media of {@code mediaOf}'s peer (media anchored: its last SDP made a fresh offer, see
     * {@link MediaAnchor#freshOfferOf}, rewritten toward {@code leg}'s own relay ports), or without offer when
     * {@code mediaOf} is null, media passes through or its peer sent no SDP; {@code leg}'s offer/answer state says
     * which ({@link OfferAnswer#OFFER_SENT}).
     */
    public ClientTransaction invite(final Leg leg, final InviteHeaders headers, final ClientPurpose purpose,
        final Object context, final Leg mediaOf)
    {
        return invites.invite(leg, headers, purpose, context, mediaOf);
    }

    /**
     * The 2xx to the INVITE of {@link #invite} arrived on {@code leg}: its Session-Expires (RFC 4028) sets the leg's
     * session timer, or leaves the leg without one.
     */
    public void sessionAnswered(final Leg leg, final SipMessage response)
    {
        sessions.onAnswer(leg, response);
    }

    /** Sends a re-INVITE on {@code leg}: with the body of {@code offerSource} as offer, or without offer when null. */
    public ClientTransaction reInvite(final Leg leg, final SipMessage offerSource, final ClientPurpose purpose,
        final Object context)
    {
        return invites.reInvite(leg, offerSource, InviteHeaders.NONE, purpose, context);
    }

    /** As above, with {@code headers} (a P-Asserted-Identity). */
    public ClientTransaction reInvite(final Leg leg, final SipMessage offerSource, final InviteHeaders headers,
        final ClientPurpose purpose, final Object context)
    {
        return invites.reInvite(leg, offerSource, headers, purpose, context);
    }

    /** As {@link #reInvite}, offering {@code offer} (a stored body of type {@code offerType}; null: no offer). */
    public ClientTransaction reInvite(final Leg leg, final StoredMessage offer, final String offerType,
        final InviteHeaders headers, final ClientPurpose purpose, final Object context)
    {
        return invites.reInvite(leg, offer, offerType, headers, purpose, context);
    }

    /**
     * RFC 3261 §14.1: how long to wait before sending again a re-INVITE on {@code leg} that got 491, drawn at
     * {@code index} ({@link LegInvites#glareDelayNs}).
     */
    public long glareDelayNs(final Leg leg, final long index)
    {
        return invites.glareDelayNs(leg, index);
    }

    /**
     * Hangs up {@code leg} with BYE. With a call, the call ends (with {@code cause}) when every BYE is answered;
     * without, the leg is simply dropped.
     */
    /**
     * Ends {@code leg}'s call on Referee's own decision (a session timer run out, a media timeout): BYE on the leg and
     * on its peer where confirmed, the call ends with {@code cause} once they are answered (a leg with no call: BYE).
     */
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
        for (final Leg each : new Leg[]{leg, leg.peer()})
        {
            if (each != null && !each.isTerminated() && each.isConfirmed())
            {
                messages.sendBye(each, ClientPurpose.BYE);
                call.byesOutstanding++;
            }
        }
        call.state(Call.State.TERMINATING, timers.nowNs(), reason);
        if (call.byesOutstanding == 0)
        {
            release(call, call.endCause, 0);
        }
    }

    public void hangUp(final Leg leg, final Call call, final EndCause cause)
    {
        if (leg.isTerminated())
        {
            return;
        }
        if (call == null)
        {
            messages.sendBye(leg, ClientPurpose.ORPHAN);
            dropLeg(leg);
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

    /**
     * RFC 4916: the peer at {@code peer} of {@code leg} sent {@code message} with {@code Supported: from-change} and is
     * on a trusted trunk (an identity is told only to a trusted trunk, as P-Asserted-Identity is).
     */
    boolean acceptsFromChange(final Leg leg, final SipMessage message, final InetSocketAddress peer)
    {
        return dialogs.acceptsFromChange(leg, message, peer);
    }

    /** A fork's 2xx was released (ForkedAnswers): counted for /metrics. */
    void countForkReleased()
    {
        if (counters != null)
        {
            counters.increment(EngineCounters.FORKS_RELEASED);
        }
    }

    /** Engine time moved on (a tick): route targets due a keepalive are asked OPTIONS. */
    public void onTick(final long nowNs)
    {
        health.onTick(nowNs);
    }

    /** Which route targets with keepalive are up. */
    TargetHealth health()
    {
        return health;
    }

    /** How a call moves to its route's next target. */
    RouteFailover failover()
    {
        return failover;
    }

    /**
     * Routes a dialled user to its trunk (new calls, transfer targets, redirect Contacts without an IP address), with
     * the routes in force: ask at each use, a reload replaces it.
     */
    public Router router()
    {
        return router;
    }

    /** Sends the caller's INVITE again, to the callee leg's new target (a redirect Contact, see {@link Leg#retarget}). */
    public void redirectCallee(final Call call)
    {
        setup.redirectCallee(call);
    }

    /** {@code leg}'s INVITE, given up before a provisional came: CANCEL it as soon as one does. */
    public void cancelWhenProvisional(final ClientTransaction invite, final Leg leg)
    {
        abandonedInvites.cancelWhenProvisional(invite, leg);
    }

    /** {@code leg}'s INVITE, given up and cancelled: a 2xx crossing the CANCEL is acknowledged and hung up. */
    public void cancelled(final ClientTransaction invite, final Leg leg)
    {
        abandonedInvites.cancelled(invite, leg);
    }

    /** A relayed re-INVITE of {@code leg}'s peer failed: the offer it carried is void on both legs. */
    private static void offerFailed(final Leg leg, final long nowNs, final String reason)
    {
        leg.offerFailed(nowNs, reason);
        if (leg.peer() != null)
        {
            leg.peer().offerFailed(nowNs, reason);
        }
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

    /** Referee's id of {@code leg}'s call, for the state machines' reports; 0 for a leg of no call. */
    static long callIdOf(final Leg leg)
    {
        return leg.call == null ? 0 : leg.call.id;
    }

    /** An INVITE offer/answer is open on the call in either direction (RFC 3261 §14.2: answer 491). */
    private static boolean inviteInProgress(final Leg leg, final Leg peer)
    {
        return leg.serverInvite != null || leg.clientInvite != null || leg.pending2xx != null ||
            leg.ackPendingCSeq >= 0 || peer != null && (peer.serverInvite != null || peer.clientInvite != null ||
            peer.pending2xx != null || peer.ackPendingCSeq >= 0);
    }

    private static boolean isTargetRefresh(final int method)
    {
        return (method & (SipMethod.INVITE | SipMethod.UPDATE | SipMethod.SUBSCRIBE | SipMethod.NOTIFY |
            SipMethod.REFER)) != 0;
    }

}
