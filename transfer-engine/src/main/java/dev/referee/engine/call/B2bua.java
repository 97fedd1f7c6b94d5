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
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The back-to-back user agent: turns a caller's INVITE into a call with two legs and relays what happens on one
 * leg to the other (RFC 3261 §13-15 on each leg; RFC 7092 for the B2BUA's role). Engine thread only.
 * <p>
 * It is the coordinator: it holds the configuration in force and the parts that do the work, takes the engine's
 * inputs (requests, ACK, CANCEL; as {@link TransactionUser}, responses and timeouts by {@link ClientPurpose}) and
 * hands each to its part: {@link CallSetup} (a new call), {@link RequestRelay} and {@link ResponseRelay} (what
 * happens inside a call), {@link Hangups} (BYE), {@link CallRelease} (calls and legs leaving the engine),
 * {@link Invite2xxRetransmission} (a 2xx until its ACK), {@link LegInvites} (INVITEs Referee originates),
 * {@link AbandonedInvites} (INVITEs given up), {@link DialogLearning} (a dialog's state from its peer's responses).
 * Its public methods are the dialog toolkit the transfer package builds on (docs/engine.md).
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
    private final CallSetup setup;
    private final ForkedAnswers forkedAnswers;
    private final EarlyDialogs earlyDialogs = new EarlyDialogs();
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
    private final CallRelease release;
    private final Hangups hangups;
    private final RequestRelay requests;
    private final ResponseRelay responses;

    /** {@code counters}: where the trunks' call policy counts go (null: nowhere). */
    public B2bua(final EngineConfig config, final TransactionLayer transactions, final EngineTimers timers,
        final Outbox outbox, final IdGenerator ids, final EngineEvents events, final Transitions transitions,
        final EngineCounters counters)
    {
        this.transitions = transitions;
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
        this.setup = new CallSetup(this, transactions, messages, timers, ids, events, counters);
        this.forkedAnswers = new ForkedAnswers(this, calls, messages, outbox, timers);
        this.callMedia = new CallMedia(this, media, setup, messages, timers, events, counters);
        this.invites = new LegInvites(this, transactions, messages, sessions, timers, ids, media);
        this.dialogs = new DialogLearning(this, messages, earlyDialogs);
        this.retransmission = new Invite2xxRetransmission(this, outbox, timers);
        this.abandonedInvites = new AbandonedInvites(this, messages, dialogs, timers);
        this.release = new CallRelease(this, calls, messages, sessions, callMedia, retransmission, abandonedInvites,
            outbox, timers, events);
        this.hangups = new Hangups(this, messages, timers, setup, retransmission, release);
        this.requests = new RequestRelay(this, transactions, messages, transitions, timers, sessions,
            reliableProvisionals, callMedia, setup, earlyDialogs, retransmission, hangups);
        this.responses = new ResponseRelay(messages, timers, sessions, retransmission);
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
    public Leg findLeg(final AsciiView localTag, final AsciiView callId)
    {
        return calls.findLeg(localTag, callId);
    }

    /** A request inside a dialog of {@code leg} (not ACK, not CANCEL): answered here or relayed to the peer. */
    public void onInDialogRequest(final Leg leg, final SipMessage request, final ServerTransaction st,
        final int transport, final InetSocketAddress source, final long connectionId)
    {
        requests.onRequest(leg, request, st, transport, source, connectionId);
    }

    /** An ACK inside a dialog of {@code leg}: for a 2xx Referee sent (RFC 3261 §13.2.2.4); relayed to the peer. */
    public void onAck(final Leg leg, final SipMessage ack, final InetSocketAddress source)
    {
        requests.onAck(leg, ack, source);
    }

    /**
     * {@code cancel} matched INVITE server transaction {@code invite}; the CANCEL itself was answered 200. The CANCEL
     * Referee sends on carries what may cross of it (its Reason: "Call completed elsewhere", RFC 3326).
     */
    public void onCancel(final ServerTransaction invite, final SipMessage cancel)
    {
        requests.onCancel(invite, cancel);
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
    public void onAcceptedResponse(final SipMessage response, final long nowNs)
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
            case RELAYED_INVITE, RELAYED_REQUEST -> responses.onResponse(ct, (ServerTransaction)ct.context(), response);
            case BYE -> hangups.onByeDone(ct);
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
            case INITIAL_INVITE -> setup.onCalleeInviteTimeout(ct, nowNs);
            case RELAYED_INVITE, RELAYED_REQUEST -> responses.onTimeout(ct, nowNs);
            case BYE -> hangups.onByeDone(ct);
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
                ResponseRelay.offerFailed(picker, nowNs, "the picked-up call's peer never answered the re-INVITE");
                if (config.answersTakeoverTimeouts())
                {
                    pickups.onTakeoverTimeout(picker);
                }
            }
        }
    }

    // ---- 2xx retransmission (RFC 3261 §13.3.1.4) -------------------------------------------------------------

    /** The 2xx just sent to {@code leg} for its INVITE of {@code cseq} goes again until its ACK comes. */
    public void startRetransmitting2xx(final Leg leg, final long cseq)
    {
        retransmission.start(leg, cseq);
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
            hangups.endUnacknowledged(leg);
        }
    }

    // ---- dialogs, calls and legs -------------------------------------------------------------------------------

    /** Takes the peer's tag, Contact and (from a 2xx) route set from a response to an INVITE Referee sent. */
    public void learnDialog(final Leg b, final SipMessage response, final boolean routeSet)
    {
        dialogs.learn(b, response, routeSet);
    }

    /** Ends a call: its legs leave the map and their timers stop. Transactions under way finish on their own. */
    public void release(final Call call, final EndCause cause, final int status)
    {
        release.release(call, cause, status);
    }

    /** {@code leg}'s dialog ended (Leg#state): its call is looked at after the input ({@link AbandonedCalls}). */
    void legEnded(final Leg leg)
    {
        release.legEnded(leg);
    }

    /** The end of an input: a call nobody is left in ends (EngineConfig.endsCallsNobodyIsLeftIn). */
    public void endAbandonedCalls()
    {
        release.endAbandonedCalls();
    }

    /** Every leg of {@code call} is gone and no BYE of it is outstanding: it ends. */
    void releaseAbandoned(final Call call)
    {
        release.release(call, call.endCause, 0);
    }

    // ---- what transfers build on ------------------------------------------------------------------------------

    /** The leg is done: it leaves the engine (messages for it get 481) and its timers stop. */
    public void dropLeg(final Leg leg)
    {
        release.dropLeg(leg);
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
     * Ends {@code leg}'s call on Referee's own decision (a session timer run out, a media timeout): BYE on the leg and
     * on its peer where confirmed, the call ends with {@code cause} once they are answered (a leg with no call: BYE).
     */
    void endCall(final Leg leg, final EndCause cause, final String reason)
    {
        hangups.endCall(leg, cause, reason);
    }

    /**
     * Hangs up {@code leg} with BYE. With a call, the call ends (with {@code cause}) when every BYE is answered;
     * without, the leg is simply dropped.
     */
    public void hangUp(final Leg leg, final Call call, final EndCause cause)
    {
        hangups.hangUp(leg, call, cause);
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

    /** Referee's id of {@code leg}'s call, for the state machines' reports; 0 for a leg of no call. */
    static long callIdOf(final Leg leg)
    {
        return leg.call == null ? 0 : leg.call.id;
    }
}
