package dev.referee.engine;

import dev.referee.ring.MediaFigures;
import dev.referee.sip.SipStatus;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.state.Transitions;

import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.config.EngineConfig;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.media.MediaControl;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OptionTags;
import dev.referee.engine.call.SessionTimers;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.EngineEventsFanOut;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.engine.transfer.Transfers;
import dev.referee.pipeline.SipSender;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.ParseErrors;
import dev.referee.sip.Responses;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipUri;
import dev.referee.transport.Addresses;

import java.net.InetSocketAddress;

/**
 * The single-threaded engine: every input (a received message, a tick) goes through here, in order, with its
 * receive time. Nothing in it reads a clock or a random source (identifiers come from the configuration's key, see
 * {@link IdGenerator}), so the same inputs with the same configuration give the same state and the same outputs.
 * Engine thread only.
 */
public final class Engine
{
    /** Methods Referee handles; in Allow of its own answers. */
    public static final String ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, MESSAGE, NOTIFY, REFER";
    /** Allow from node-start version 6: PRACK too (RFC 3262), which Referee answers and sends. */
    public static final String ALLOW_WITH_PRACK = ALLOW + ", PRACK";
    /** Server transactions end within Timer J (32 s) or sooner; a second is what most clients wait at least. */
    private static final long TRANSACTION_LIMIT_RETRY_AFTER_S = 1;
    private static final String TRANSACTION_LIMIT_REASON = "SIP;cause=503;text=\"transaction limit\"";
    private final EngineCounters counters;
    private final Transitions transitions;
    private final EngineTimers timers = new EngineTimers();
    private final Outbox outbox;
    private final IdGenerator ids;
    private final TransactionLayer transactions;
    private final B2bua b2bua;
    private final Transfers transfers;
    private final AsciiView view = new AsciiView();
    private final AsciiView tag = new AsciiView();

    public Engine(final EngineConfig config, final SipSender sender, final EngineCounters counters)
    {
        this(config, sender, counters, EngineEvents.NONE);
    }

    public Engine(final EngineConfig config, final SipSender sender, final EngineCounters counters,
        final EngineEvents events)
    {
        this(config, sender, counters, events, WebhookRequests.NONE);
    }

    public Engine(final EngineConfig config, final SipSender sender, final EngineCounters counters,
        final EngineEvents events, final WebhookRequests webhooks)
    {
        this.counters = counters;
        // The outcome counters hear every domain event first; the engine's listeners (journal, call records) after.
        final EngineEvents counted = events == EngineEvents.NONE ?
            counters.outcomes() : EngineEventsFanOut.of(counters.outcomes(), events);
        this.outbox = new Outbox(sender, counters);
        this.ids = IdGenerator.of(config.idKey(), config.seed());
        timers.retransmissionsFromDeadline(config.retransmitsFromDeadline());
        this.transactions = new TransactionLayer(timers, outbox, ids, config.t1Ns(), config.t2Ns(), config.t4Ns(),
            TransactionLayer.TIMER_C_NS, config.headerPolicy() ? config.userAgent() : null);
        transactions.rfc6026(config.absorbsInviteRetransmissionsAfter2xx(),
            config.keepsInviteClientTransactionsAccepted());
        if (config.keepsWaitingTransactionsAsRows())
        {
            transactions.keepWaitingTransactionsAsRows(config.maxTransactions());
        }
        this.transitions = new Transitions(counters);
        this.b2bua = new B2bua(config, transactions, timers, outbox, ids, counted, transitions, counters);
        // The transfer package builds on the B2BUA's dialog toolkit; the B2BUA hands it what it does not do itself.
        this.transfers = new Transfers(b2bua, transactions, timers, counted, webhooks);
        b2bua.attach(transfers, transfers.pickups(), transfers.redirects());
        transactions.user(b2bua);
    }

    /**
     * A message received at {@code nowNs}. {@code parsed} false means the parser rejected it: a request that can be
     * answered gets 400 with the reason in a Warning; anything else is dropped and counted.
     */
    public void onMessage(final SipMessage message, final boolean parsed, final int transport,
        final InetSocketAddress source, final long connectionId, final long nowNs)
    {
        timers.advance(nowNs);
        if (!parsed)
        {
            onMalformed(message, transport, source, connectionId);
        }
        else if (message.isRequest())
        {
            counters.requestIn(message.method());
            onRequest(message, transport, source, connectionId);
        }
        else
        {
            counters.responseIn(message.statusCode());
            final ClientTransaction ct = transactions.clients().matchResponse(message);
            if (ct != null && !Addresses.sameHost(ct.destination(), source))
            {
                // Whoever learned a branch (it is on the wire) could otherwise answer Referee's requests for the far
                // end: a response counts only from the host the request went to (RFC 3261 §18.2.2 lets the port vary).
                counters.increment(EngineCounters.RESPONSES_FROM_ELSEWHERE);
            }
            else if (ct != null)
            {
                transactions.clients().onResponse(ct, message, connectionId, nowNs);
            }
            else
            {
                onResponseToNoTransaction(message, source, nowNs);
            }
        }
        endOfInput();
    }

    /** A response no live client transaction claims: one waiting as a row (node-start version 11 on), or a stray. */
    private void onResponseToNoTransaction(final SipMessage response, final InetSocketAddress source, final long nowNs)
    {
        switch (transactions.clients().onWaitingResponse(response, source, nowNs))
        {
            case FROM_ELSEWHERE -> counters.increment(EngineCounters.RESPONSES_FROM_ELSEWHERE);
            case NONE -> b2bua.onStrayResponse(response);
            default ->
            {
            }
        }
    }

    /**
     * A reload (an input like any other: journaled, replayed): from now on {@code next} applies to new calls and to
     * what calls under way do next (see {@link B2bua#reconfigure}). Ignored, and false, when {@code next} changes what
     * a reload cannot ({@link EngineConfig#reloadableFrom}): the node refuses such a file before it gets here.
     */
    public boolean onReconfigure(final EngineConfig next, final long nowNs)
    {
        timers.advance(nowNs);
        final boolean applied = reconfigure(next);
        endOfInput();
        return applied;
    }

    /** {@link #onReconfigure} without an input's time. */
    private boolean reconfigure(final EngineConfig next)
    {
        if (next.reloadableFrom(b2bua.config()) != null)
        {
            return false;
        }
        b2bua.reconfigure(next);
        counters.increment(EngineCounters.RELOADS);
        return true;
    }

    /**
     * A transfer webhook's answer (an input like any other: journaled, replayed). {@code target}, when not empty, is
     * the URI the transfer goes to instead of the REFER's.
     */
    public void onWebhookAnswer(final long requestId, final boolean accept, final CharSequence target,
        final long nowNs)
    {
        timers.advance(nowNs);
        b2bua.onWebhookAnswer(requestId, accept, target);
        endOfInput();
    }

    /**
     * A connection Referee opened to {@code destination} failed (refused, reset, TLS failed): the requests waiting on
     * it fail now (ClientTransactions#onTransportFailure), so a call moves on to its route's next target.
     */
    public void onTransportFailure(final int transport, final InetSocketAddress destination, final long nowNs)
    {
        timers.advance(nowNs);
        transactions.clients().onTransportFailure(transport, destination, nowNs);
        b2bua.onTick(nowNs);
        endOfInput();
    }

    /**
     * The media relay found the pair of endpoint {@code endpointId} silent for its timeout (issue 10): the call ends,
     * cause media-timeout, BYE on both legs. A report for an endpoint whose leg is gone is passed over.
     */
    public void onMediaIdle(final long endpointId, final long nowNs)
    {
        timers.advance(nowNs);
        b2bua.callMedia().onIdle(endpointId);
        endOfInput();
    }

    /**
     * The media relay could not open endpoint {@code endpointId} on {@code rtpPort} ({@code failure}: the relay's
     * reason, {@link dev.referee.engine.media.MediaAnchor#BIND_FAILED} when another process holds the port): the call
     * of its leg fails (503 while it rings, BYE once answered, cause media-failed), and a port that could not be bound
     * leaves the pool.
     */
    public void onMediaOpenFailed(final long endpointId, final int rtpPort, final int failure, final long nowNs)
    {
        timers.advance(nowNs);
        b2bua.callMedia().onOpenFailed(endpointId, rtpPort, failure);
        endOfInput();
    }

    /**
     * The media relay closed endpoint {@code endpointId} (its leg ended) and reports what it received: the figures go
     * to the call records (EngineEvents.onMediaStats); the call's state is not touched.
     */
    public void onMediaStats(final long endpointId, final MediaFigures figures, final long nowNs)
    {
        timers.advance(nowNs);
        b2bua.callMedia().onStats(endpointId, figures);
        endOfInput();
    }

    /** Time passes with no message: timers due by {@code nowNs} fire. */
    public void onTick(final long nowNs)
    {
        timers.advance(nowNs);
        b2bua.onTick(nowNs);
        endOfInput();
    }

    /**
     * After every input: a call nobody is left in ends, completed transactions let go of their calls (they only absorb
     * retransmissions now), then the gauges are published.
     */
    private void endOfInput()
    {
        b2bua.endAbandonedCalls(); // before the gauges: a call nobody is left in is not counted as up
        transactions.detachCompleted();
        publishGauges();
    }

    public int activeCalls()
    {
        return b2bua.callCount();
    }

    /** Dialogs Referee holds: two per call (one per leg). */
    public int dialogs()
    {
        return b2bua.legCount();
    }

    /** Every transaction held, those completed and waiting for late retransmissions included. */
    public int transactions()
    {
        return transactions.serverCount() + transactions.clientCount();
    }

    /** Transactions still waiting for their final response. */
    public int pendingTransactions()
    {
        return transactions() - transactions.waitingCount();
    }

    /** Completed transactions held only to absorb retransmissions (Timers D, I, J, K: up to 64*T1 over UDP). */
    public int waitingTransactions()
    {
        return transactions.waitingCount();
    }

    /** Engine time: the time of the last input handled. */
    public long nowNs()
    {
        return timers.nowNs();
    }

    public int timers()
    {
        return timers.count();
    }

    /** The engine's state holders, for {@code dev.referee.engine.snapshot} only (take and restore snapshots). */
    public record Parts(EngineTimers timers, IdGenerator ids, TransactionLayer transactions, B2bua b2bua,
        Transfers transfers)
    {
    }

    /** For {@code dev.referee.engine.snapshot} only; between inputs, on the engine thread. */
    /** Where the state machines report: a replay's trace listens here. */
    public Transitions transitions()
    {
        return transitions;
    }

    public Parts snapshotParts()
    {
        return new Parts(timers, ids, transactions, b2bua, transfers);
    }

    /**
     * The configuration in force: the one the engine was built with, or the latest {@link #onReconfigure} applied (a
     * snapshot restores into an engine built with this, which the journal writes just before it).
     */
    public EngineConfig config()
    {
        return b2bua.config();
    }

    /** Publishes the gauges (calls, dialogs, transactions, timers) after a restore, as after an input. */
    public void refreshGauges()
    {
        publishGauges();
    }

    private void onRequest(final SipMessage request, final int transport, final InetSocketAddress source,
        final long connectionId)
    {
        final int method = request.method();
        if (method == SipMethod.ACK)
        {
            onAck(request, source);
            return;
        }
        final ServerTransaction existing = transactions.findServer(request);
        if (existing != null)
        {
            counters.increment(EngineCounters.RETRANSMISSIONS_RECEIVED);
            transactions.onRetransmission(existing);
            return;
        }
        if (transactions.answerIfWaiting(request))
        {
            counters.increment(EngineCounters.RETRANSMISSIONS_RECEIVED);
            return;
        }
        final ServerTransaction st = transactions.createServer(request, transport, source, connectionId);
        if (overTransactionLimit(request))
        {
            // Answered and forgotten at once: a retransmission gets another 503, and the state stays bounded.
            counters.increment(EngineCounters.TRANSACTION_LIMIT);
            final SipMessageWriter writer = transactions.startResponse(st, SipStatus.SERVICE_UNAVAILABLE);
            writer.header("Retry-After", TRANSACTION_LIMIT_RETRY_AFTER_S);
            writer.header("Reason", TRANSACTION_LIMIT_REASON);
            writer.endWithoutBody();
            transactions.send(st, SipStatus.SERVICE_UNAVAILABLE);
            transactions.terminate(st);
            return;
        }
        if (b2bua.config().answersMergedRequests() && transactions.isMerged(st))
        {
            // The same request by a second path (a forking proxy before Referee): answering it as new would set up a
            // second call for one caller (RFC 3261 §8.2.2.2).
            counters.increment(EngineCounters.MERGED_REQUESTS);
            respond(st, SipStatus.LOOP_DETECTED);
            return;
        }
        if (method == SipMethod.CANCEL)
        {
            onCancel(request, st);
            return;
        }
        if (!acceptable(request, st))
        {
            return;
        }
        final AsciiView toTag = request.to().tag();
        if (!toTag.isEmpty())
        {
            final Leg leg = b2bua.findLeg(toTag, request.callId());
            if (leg == null && method == SipMethod.SUBSCRIBE && b2bua.config().answersReferSubscriptions() &&
                transfers.onUnsubscribeOfAnEndedDialog(request, st))
            {
                return;
            }
            if (leg == null)
            {
                respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                return;
            }
            b2bua.onInDialogRequest(leg, request, st, transport, source, connectionId);
            return;
        }
        switch (method)
        {
            case SipMethod.INVITE -> b2bua.onInitialInvite(request, st, transport, source, connectionId);
            case SipMethod.OPTIONS -> answerOptions(st);
            case SipMethod.BYE, SipMethod.UPDATE, SipMethod.INFO, SipMethod.PRACK, SipMethod.NOTIFY ->
                respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            case SipMethod.UNKNOWN -> respondWithAllow(st, SipStatus.NOT_IMPLEMENTED);
            default -> respondWithAllow(st, SipStatus.METHOD_NOT_ALLOWED);
        }
    }

    /**
     * True when {@code request} would hold one server transaction too many (the one just made counted): past
     * {@code sip.max-transactions} for a request outside any dialog, past twice that for a request of a dialog
     * (CANCEL counts as of its INVITE's dialog), so established calls keep being served while new work is refused.
     */
    private boolean overTransactionLimit(final SipMessage request)
    {
        final int held = transactions.serverCount();
        if (held <= b2bua.config().maxTransactions())
        {
            return false;
        }
        final boolean inDialog = !request.to().tag().isEmpty() || request.method() == SipMethod.CANCEL;
        return !inDialog || held > 2L * b2bua.config().maxTransactions();
    }

    /** Checks a request must pass before anything acts on it; answers and returns false when it fails one. */
    private boolean acceptable(final SipMessage request, final ServerTransaction st)
    {
        final int maxForwards = request.maxForwards();
        if (maxForwards == 0 && request.method() != SipMethod.OPTIONS)
        {
            respond(st, SipStatus.TOO_MANY_HOPS);
            return false;
        }
        final SipUri uri = request.requestUriView();
        if (!uri.isSip() && !uri.isTel())
        {
            respond(st, SipStatus.UNSUPPORTED_URI_SCHEME);
            return false;
        }
        // RFC 3261 §8.2.2.3: 420 naming the option tags Require (or Proxy-Require) asks for and Referee lacks.
        final int require = firstOf(request, HeaderName.REQUIRE, HeaderName.PROXY_REQUIRE);
        if (require >= 0 && b2bua.config().acceptsKnownOptionTags())
        {
            // 100rel for a new call's INVITE (and a PRACK, which some UAs send with it): Referee sends no reliable
            // provisional to a request of a dialog (a re-INVITE's 18x are relayed as they come), so one requiring it
            // gets 420.
            final String unsupported = OptionTags.unsupported(request, view, b2bua.config().sessionTimers(),
                b2bua.config().reliableProvisionals() &&
                    (request.to().tag().isEmpty() || request.method() == SipMethod.PRACK));
            if (!unsupported.isEmpty())
            {
                transactions.startResponse(st, SipStatus.BAD_EXTENSION).header("Unsupported", unsupported)
                    .endWithoutBody();
                transactions.send(st, 420);
                return false;
            }
        }
        else if (require >= 0)
        {
            // Journals from before node-start version 4: every Require was refused, each value echoed.
            final SipMessageWriter writer = transactions.startResponse(st, SipStatus.BAD_EXTENSION);
            for (int i = require; i >= 0; i = nextOf(request, i + 1))
            {
                writer.header("Unsupported", request.headerValue(i, view));
            }
            writer.endWithoutBody();
            transactions.send(st, 420);
            return false;
        }
        if ((request.method() == SipMethod.INVITE || request.method() == SipMethod.UPDATE) &&
            b2bua.config().sessionTimers() && SessionTimers.intervalTooSmall(request, b2bua.config().minSeS(), view))
        {
            // RFC 4028 §8.1: a session refreshed more often than Referee's Min-SE allows is refused, naming the floor.
            transactions.startResponse(st, SipStatus.SESSION_INTERVAL_TOO_SMALL)
                .header("Min-SE", b2bua.config().minSeS()).endWithoutBody();
            transactions.send(st, SipStatus.SESSION_INTERVAL_TOO_SMALL);
            return false;
        }
        if (request.method() == SipMethod.INVITE)
        {
            return acceptableSession(request, st);
        }
        return true;
    }

    /**
     * An INVITE's body must be something the far end can take as a session description (RFC 3261 §21.4.13: 415 with
     * Accept), and its Accept must allow the SDP answer that will come back (RFC 3261 §21.4.7: 406).
     */
    private boolean acceptableSession(final SipMessage request, final ServerTransaction st)
    {
        if (request.bodyLength() > 0 && !SessionMedia.isSessionBody(request.contentType()))
        {
            final SipMessageWriter writer = transactions.startResponse(st, SipStatus.UNSUPPORTED_MEDIA_TYPE);
            writer.header("Accept", SessionMedia.ACCEPT);
            writer.endWithoutBody();
            transactions.send(st, 415);
            return false;
        }
        if (request.findHeader(HeaderName.ACCEPT, 0) >= 0 && !SessionMedia.acceptsSdp(request, view))
        {
            respond(st, SipStatus.NOT_ACCEPTABLE);
            return false;
        }
        return true;
    }

    private void onAck(final SipMessage ack, final InetSocketAddress source)
    {
        final ServerTransaction st = transactions.findServer(ack);
        // An ACK matching an Accepted INVITE (same branch, or RFC 2543 matching) acknowledges the 2xx: a dialog matter.
        if (st != null && st.method() == SipMethod.INVITE && st.state() != ServerTransaction.State.ACCEPTED)
        {
            transactions.onAck(st);
            return;
        }
        final AsciiView toTag = ack.to().tag();
        final Leg leg = toTag.isEmpty() ? null : b2bua.findLeg(toTag, ack.callId());
        if (leg != null)
        {
            b2bua.onAck(leg, ack, source);
        }
        else
        {
            counters.increment(EngineCounters.UNEXPECTED);
        }
    }

    private void onCancel(final SipMessage cancel, final ServerTransaction st)
    {
        final ServerTransaction invite = transactions.findInviteForCancel(cancel);
        if (invite == null)
        {
            // An INVITE accepted and waiting as a row has nothing left to cancel, but it is there: 200 (RFC 3261 §9.2).
            respond(st, transactions.inviteWaitsForCancel(cancel) ? SipStatus.OK :
                SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        respond(st, SipStatus.OK);
        b2bua.onCancel(invite, cancel);
    }

    private void onMalformed(final SipMessage message, final int transport, final InetSocketAddress source,
        final long connectionId)
    {
        counters.increment(EngineCounters.MALFORMED);
        if (!message.canRespond())
        {
            return;
        }
        final SipMessageWriter writer = outbox.begin();
        if (message.errorReason() == ParseErrors.UNSUPPORTED_VERSION)
        {
            if (Responses.error(message, SipStatus.VERSION_NOT_SUPPORTED,
                SipStatus.reasonPhrase(SipStatus.VERSION_NOT_SUPPORTED), message.errorReason(), "referee", writer) != null)
            {
                outbox.send(transport, source, connectionId, 0, SipStatus.VERSION_NOT_SUPPORTED);
            }
            return;
        }
        if (Responses.error(message, SipStatus.BAD_REQUEST, SipStatus.reasonPhrase(SipStatus.BAD_REQUEST),
            message.errorReason(), "referee", writer) != null)
        {
            outbox.send(transport, source, connectionId, 0, SipStatus.BAD_REQUEST);
        }
    }

    private void answerOptions(final ServerTransaction st)
    {
        st.localTag = ids.tag(0);
        final SipMessageWriter writer = transactions.startResponse(st, SipStatus.OK);
        writer.header("Allow", b2bua.config().reliableProvisionals() ? ALLOW_WITH_PRACK : ALLOW);
        writer.header("Accept", "application/sdp");
        writer.endWithoutBody();
        transactions.send(st, 200);
    }

    private void respondWithAllow(final ServerTransaction st, final int status)
    {
        st.localTag = ids.tag(0);
        final SipMessageWriter writer = transactions.startResponse(st, status);
        writer.header("Allow", b2bua.config().reliableProvisionals() ? ALLOW_WITH_PRACK : ALLOW);
        writer.endWithoutBody();
        transactions.send(st, status);
    }

    private void respond(final ServerTransaction st, final int status)
    {
        if (st.localTag == null)
        {
            st.localTag = ids.tag(0);
        }
        transactions.startResponse(st, status).endWithoutBody();
        transactions.send(st, status);
    }

    private static int firstOf(final SipMessage message, final int a, final int b)
    {
        final int first = message.findHeader(a, 0);
        final int second = message.findHeader(b, 0);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }

    private static int nextOf(final SipMessage message, final int from)
    {
        return firstOf2(message.findHeader(HeaderName.REQUIRE, from), message.findHeader(HeaderName.PROXY_REQUIRE, from));
    }

    private static int firstOf2(final int a, final int b)
    {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private void publishGauges()
    {
        counters.set(EngineCounters.CALLS, b2bua.callCount());
        counters.set(EngineCounters.DIALOGS, b2bua.legCount());
        counters.set(EngineCounters.TRANSACTIONS, pendingTransactions());
        counters.set(EngineCounters.TRANSACTIONS_WAITING, transactions.waitingCount());
        counters.set(EngineCounters.TRANSACTIONS_WAITING_EVICTED, transactions.waitingEvictedEarly());
        counters.set(EngineCounters.TIMERS, timers.count());
        final MediaAnchor media = b2bua.media();
        if (media != null)
        {
            counters.set(EngineCounters.MEDIA_PAIRS_IN_USE, media.pairsInUse());
            counters.set(EngineCounters.MEDIA_PAIRS, media.pairs());
            counters.set(EngineCounters.MEDIA_PAIRS_UNUSABLE, media.pairsUnusable());
        }
    }

    /**
     * The node is live: media commands go to {@code control} from now on, starting with every endpoint the engine
     * holds (MediaAnchor.live). Nothing when media passes through.
     */
    public void mediaLive(final MediaControl control)
    {
        if (b2bua.media() != null)
        {
            b2bua.media().live(control);
        }
    }
}
