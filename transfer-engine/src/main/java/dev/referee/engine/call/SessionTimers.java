package dev.referee.engine.call;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipStatus;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.concurrent.TimeUnit;

/**
 * Session timers (RFC 4028) on each leg on its own: Referee is a B2BUA, so the caller's leg and the callee's negotiate
 * their interval and refresher each with Referee, and a refresh on one leg is not one on the other (relayed re-INVITEs
 * still go end to end, and refresh both legs when they succeed). Referee offers {@code sip.session-expires} on the
 * INVITEs it sends, takes what a peer asks for down to {@code sip.min-se} (less gets 422), refreshes at half the
 * interval where it is the refresher (UPDATE without body when the peer allows it, else a re-INVITE offering the last
 * SDP it sent there), and where the peer is, ends the call with BYE on both legs when no refresh came by the interval
 * less min(32 s, interval / 3) (§10). A leg has a timer only when its peer negotiated one: a session without
 * Session-Expires has no expiry (§9), and costs nothing here. Engine thread only.
 */
public final class SessionTimers
{
    private static final long GUARD_MAX_NS = TimeUnit.SECONDS.toNanos(32);
    /** A call's INVITEs sent to the callee again after a 422 (RFC 4028 §7.4): a third 422 goes to the caller. */
    static final int MAX_INTERVAL_RETRIES = 2;
    /** The largest Min-SE a 422 may raise the interval to: {@code sip.session-expires}'s own bound, a day. */
    static final int MAX_RETRY_INTERVAL_S = 86_400;

    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    /** By leg id: at most one per leg (and one timer each), gone when the leg is dropped or its timer is spent. */
    private final Long2ObjectHashMap<SessionTimer> byLeg = new Long2ObjectHashMap<>();
    private final AsciiView view = new AsciiView();

    SessionTimers(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final EngineTimers timers)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.timers = timers;
    }

    private boolean enabled()
    {
        return b2bua.config().sessionTimers();
    }

    /**
     * An INVITE or UPDATE whose Session-Expires is below Referee's Min-SE (RFC 4028 §8.1: 422 naming it). The caller
     * answers with 422 and {@code Min-SE}.
     */
    public static boolean intervalTooSmall(final SipMessage request, final int minSeS, final AsciiView view)
    {
        final long seconds = SessionExpires.seconds(request, view);
        return seconds != SessionExpires.NONE && seconds < minSeS;
    }

    /** The headers of an INVITE Referee sends to make a dialog: it supports timers and asks for its interval. */
    void offer(final SipMessageWriter writer)
    {
        offer(writer, false);
    }

    /**
     * As {@link #offer(SipMessageWriter)}; {@code reliableProvisionals}: Supported lists 100rel too (RFC 3262: the
     * INVITE carries an offer, so a reliable 18x can only bring the answer, see {@code PrackSender}).
     */
    void offer(final SipMessageWriter writer, final boolean reliableProvisionals)
    {
        offer(writer, reliableProvisionals, null);
    }

    /**
     * As {@link #offer(SipMessageWriter, boolean)} for the INVITE to {@code call}'s callee (null: another INVITE):
     * after a callee's 422 the call asks for the interval the 422's Min-SE named, as Session-Expires and Min-SE (RFC 4028
     * §7.4: the retry's Min-SE is the largest seen).
     */
    void offer(final SipMessageWriter writer, final boolean reliableProvisionals, final Call call)
    {
        if (enabled())
        {
            final boolean raised = call != null && call.sessionExpiresS > 0;
            writer.header("Supported", reliableProvisionals ? "timer, 100rel" : "timer");
            writer.header("Session-Expires", raised ? call.sessionExpiresS : b2bua.config().sessionExpiresS());
            writer.header("Min-SE", raised ? call.sessionExpiresS : b2bua.config().minSeS());
        }
    }

    /**
     * The callee of {@code call} answered its INVITE {@code response}, a 422 (RFC 4028 §8.1): true when the INVITE is
     * to go to it again asking for the 422's Min-SE (§7.4), which the call keeps for its next INVITEs. False, and the
     * 422 is relayed, before node-start version 6, after {@link #MAX_INTERVAL_RETRIES} retries, or when the Min-SE is
     * missing, no more than what was asked, or above a day.
     */
    boolean retryIntervalTooSmall(final Call call, final SipMessage response)
    {
        if (!enabled() || !b2bua.config().retriesIntervalTooSmall() || call.intervalRetries >= MAX_INTERVAL_RETRIES)
        {
            return false;
        }
        final long minSeS = SessionExpires.minSeconds(response, view);
        final int askedS = call.sessionExpiresS > 0 ? call.sessionExpiresS : b2bua.config().sessionExpiresS();
        if (minSeS == SessionExpires.NONE || minSeS <= askedS || minSeS > MAX_RETRY_INTERVAL_S)
        {
            return false;
        }
        call.sessionExpiresS = (int)minSeS;
        call.intervalRetries++;
        return true;
    }

    /**
     * The peer of {@code leg} sent an INVITE (the first of the dialog or a re-INVITE) or an UPDATE, Referee its UAS: a
     * Session-Expires in it sets the leg's interval (at most Referee's) and refresher (RFC 4028 §9: as the request
     * says, else the peer when it supports timers, else Referee). Takes effect with the 2xx ({@link #answered}).
     */
    void onPeerRequest(final Leg leg, final SipMessage request)
    {
        if (!enabled())
        {
            return;
        }
        final long seconds = SessionExpires.seconds(request, view);
        final SessionTimer timer = byLeg.get(leg.id);
        if (seconds == SessionExpires.NONE)
        {
            return; // no change asked for: a session timer running goes on with its interval
        }
        final SessionTimer session = timer != null ? timer : new SessionTimer();
        session.intervalS = (int)Math.min(seconds, b2bua.config().sessionExpiresS());
        final int refresher = SessionExpires.refresher(request, view);
        session.refereeRefreshes = refresher == SessionExpires.UAS ||
            refresher == SessionExpires.UNSAID && !SessionExpires.supports(request, "timer", view);
        learnAllow(session, request);
        if (timer == null)
        {
            byLeg.put(leg.id, session);
        }
    }

    /**
     * The 2xx to an INVITE or UPDATE Referee sent on {@code leg} (Referee its UAC): the peer's Session-Expires is the
     * leg's interval and says who refreshes (§9: the UAS must say; Referee when it does not). A 2xx without one means
     * the session no longer expires (§9), and the leg's timer stops. Restarts the timer.
     */
    void onAnswer(final Leg leg, final SipMessage response)
    {
        if (!enabled())
        {
            return;
        }
        final long seconds = SessionExpires.seconds(response, view);
        if (seconds == SessionExpires.NONE)
        {
            stop(leg);
            return;
        }
        SessionTimer session = byLeg.get(leg.id);
        if (session == null)
        {
            session = new SessionTimer();
            byLeg.put(leg.id, session);
        }
        // Never below Referee's own floor: a peer answering a shorter interval would have Referee refresh too often.
        session.intervalS = (int)Math.max(b2bua.config().minSeS(), Math.min(seconds, Integer.MAX_VALUE));
        session.refereeRefreshes = SessionExpires.refresher(response, view) != SessionExpires.UAS;
        learnAllow(session, response);
        final Call call = leg.call;
        if (session.keepsSdp() && session.sdp == null && call != null && call.b == leg && call.callerOffer != null)
        {
            // The callee's leg: the last SDP sent on it is the caller's offer of the INVITE, sent before any timer.
            keep(session, call.callerOfferType, call.callerOffer.buffer(), 0, call.callerOffer.length());
        }
        start(leg, session);
    }

    /** Referee sent (or relayed) a 2xx to an INVITE or UPDATE of {@code leg}'s peer: the session is refreshed. */
    void answered(final Leg leg)
    {
        final SessionTimer session = byLeg.get(leg.id);
        if (session != null && enabled())
        {
            start(leg, session);
        }
    }

    /** Headers of a re-INVITE or UPDATE Referee sends on {@code leg} (its own refresh, or one relayed). */
    void requestHeaders(final Leg leg, final SipMessageWriter writer)
    {
        if (!enabled())
        {
            return;
        }
        writer.header("Supported", "timer");
        final SessionTimer session = byLeg.get(leg.id);
        if (session != null)
        {
            writer.startHeader("Session-Expires").append(session.intervalS).append(";refresher=")
                .append(session.refresherParam(true)).endHeader();
            writer.header("Min-SE", b2bua.config().minSeS());
        }
    }

    /**
     * Headers of a 2xx Referee sends on {@code leg} to a request of {@code method}: Supported: timer on a 2xx to an
     * INVITE, and for a leg with a timer its Session-Expires, with Require: timer when the peer refreshes (§9).
     */
    void answerHeaders(final Leg leg, final int method, final int status, final SipMessageWriter writer)
    {
        if (!enabled() || leg == null || status < 200 || status >= 300 ||
            (method & (SipMethod.INVITE | SipMethod.UPDATE)) == 0)
        {
            return;
        }
        final SessionTimer session = byLeg.get(leg.id);
        if (method == SipMethod.INVITE || session != null)
        {
            // From node-start version 6 Referee's answers to an INVITE list 100rel among what it supports (RFC 3262).
            writer.header("Supported", method == SipMethod.INVITE && b2bua.config().reliableProvisionals() ?
                "timer, 100rel" : "timer");
        }
        if (session != null)
        {
            if (!session.refereeRefreshes)
            {
                writer.header("Require", "timer");
            }
            writer.startHeader("Session-Expires").append(session.intervalS).append(";refresher=")
                .append(session.refresherParam(false)).endHeader();
        }
    }

    /** Referee wrote an SDP body on {@code leg}: kept when a re-INVITE refresh would have to offer it again. */
    void sdpSent(final Leg leg, final CharSequence contentType, final DirectBuffer body, final int offset,
        final int length)
    {
        if (byLeg.isEmpty())
        {
            return;
        }
        final SessionTimer session = byLeg.get(leg.id);
        if (session != null && session.keepsSdp() && (session.sdp == null || session.sdp.buffer() != body))
        {
            keep(session, contentType, body, offset, length);
        }
    }

    /** Timer {@code timerId} of {@code leg} fired: returns false when it is not the leg's session timer. */
    boolean onTimer(final Leg leg, final long timerId)
    {
        final SessionTimer session = byLeg.get(leg.id);
        if (session == null || session.timerId != timerId)
        {
            return false;
        }
        session.timerId = EngineTimers.NO_TIMER;
        if (leg.isTerminated() || leg.call == null)
        {
            stop(leg);
        }
        else if (session.expiring)
        {
            expire(leg);
        }
        else
        {
            refresh(leg, session);
        }
        return true;
    }

    /** The leg is done: its timer stops and its SDP copy goes back. */
    void stop(final Leg leg)
    {
        final SessionTimer session = byLeg.remove(leg.id);
        if (session != null)
        {
            timers.cancel(session.timerId);
            messages.copies().release(session.sdp);
        }
    }

    /** A response to a refresh Referee sent on the leg {@code ct} names. */
    void onRefreshResponse(final ClientTransaction ct, final SipMessage response)
    {
        final int status = response.statusCode();
        final Leg leg = (Leg)ct.context();
        if (status < 200 || leg == null)
        {
            return;
        }
        final boolean invite = ct.method() == SipMethod.INVITE;
        if (invite)
        {
            leg.clientInvite = null;
        }
        if (status < 300)
        {
            if (invite)
            {
                leg.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
                leg.ackPendingCSeq = (int)response.cseqNumber();
                if (!leg.isTerminated())
                {
                    messages.sendAck(leg, null);
                }
            }
            if (!leg.isTerminated() && byLeg.containsKey(leg.id))
            {
                onAnswer(leg, response);
            }
            return;
        }
        if (invite)
        {
            leg.offerFailed(timers.nowNs(), "session refresh refused");
        }
        // §10: 408 or 481 say the session is gone; any other failure leaves it to expire unless refreshed by then.
        if ((status == SipStatus.REQUEST_TIMEOUT || status == SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST) &&
            !leg.isTerminated() && byLeg.containsKey(leg.id))
        {
            expire(leg);
        }
    }

    /** A refresh Referee sent was never answered (Timer B or F): the session is gone (§10). */
    void onRefreshTimeout(final ClientTransaction ct)
    {
        final Leg leg = (Leg)ct.context();
        if (leg == null)
        {
            return;
        }
        if (ct.method() == SipMethod.INVITE)
        {
            leg.clientInvite = null;
            leg.offerFailed(timers.nowNs(), "session refresh timed out");
        }
        if (!leg.isTerminated() && byLeg.containsKey(leg.id))
        {
            expire(leg);
        }
    }

    // ---- snapshots (CallSnapshots) ---------------------------------------------------------------------------

    SessionTimer of(final Leg leg)
    {
        return byLeg.get(leg.id);
    }

    void restore(final Leg leg, final SessionTimer session)
    {
        byLeg.put(leg.id, session);
    }

    // ---- the timer's two jobs ----------------------------------------------------------------------------------

    private void start(final Leg leg, final SessionTimer session)
    {
        timers.cancel(session.timerId);
        final long intervalNs = TimeUnit.SECONDS.toNanos(session.intervalS);
        session.expiring = !session.refereeRefreshes;
        session.timerId = timers.schedule(
            session.refereeRefreshes ? intervalNs / 2 : intervalNs - Math.min(GUARD_MAX_NS, intervalNs / 3), leg);
    }

    /**
     * Half the interval has passed on a leg Referee refreshes: UPDATE without body when the peer allows it, else a
     * re-INVITE offering the last SDP Referee sent there (unchanged, so its o= version stays: no new session). An
     * INVITE exchange under way on the leg refreshes it when it succeeds: none is sent then. Either way the call ends
     * at the interval's end unless a 2xx comes first.
     */
    private void refresh(final Leg leg, final SessionTimer session)
    {
        final Leg peer = leg.peer();
        final boolean inviteUnderWay = leg.serverInvite != null || leg.clientInvite != null ||
            leg.pending2xx != null || leg.ackPendingCSeq >= 0 ||
            peer != null && (peer.serverInvite != null || peer.clientInvite != null);
        if (leg.isConfirmed() && !inviteUnderWay)
        {
            final boolean update = session.peerAllowsUpdate || session.sdp == null;
            final long clientId = transactions.clients().reserveClientId();
            final String branch = transactions.clients().branch(clientId);
            final String method = update ? "UPDATE" : "INVITE";
            final SipMessageWriter writer =
                messages.startRequest(leg, method, ++leg.localCSeq, branch, SipLimits.MAX_FORWARDS);
            writer.header("Contact", messages.contact(leg.transport, leg.flow));
            requestHeaders(leg, writer);
            if (update)
            {
                writer.endWithoutBody();
            }
            else
            {
                messages.endWithBody(leg, session.sdpType, session.sdp.buffer(), 0, session.sdp.length(), writer);
            }
            final ClientTransaction ct = transactions.clients().sendRequest(clientId, branch,
                update ? SipMethod.UPDATE : SipMethod.INVITE, method, leg.transport, leg.flow, leg.connectionId);
            ct.use(ClientPurpose.SESSION_REFRESH, leg);
            if (!update)
            {
                leg.clientInvite = ct;
                leg.sent(OfferAnswer.Carrier.INVITE, true, timers.nowNs());
            }
        }
        session.expiring = true;
        session.timerId = timers.schedule(TimeUnit.SECONDS.toNanos(session.intervalS) / 2, leg);
    }

    /** No refresh came in time (§10): BYE on both legs; the call ends with cause session-expired. */
    private void expire(final Leg leg)
    {
        stop(leg);
        b2bua.endCall(leg, EndCause.SESSION_EXPIRED, "session expired");
    }

    private void keep(final SessionTimer session, final CharSequence contentType, final DirectBuffer body,
        final int offset, final int length)
    {
        final StoredMessage copy = messages.copies().copy(body, offset, length);
        messages.copies().release(session.sdp);
        session.sdp = copy;
        if (session.sdpType == null || !session.sdpType.contentEquals(contentType))
        {
            session.sdpType = contentType.toString();
        }
    }

    private void learnAllow(final SessionTimer session, final SipMessage message)
    {
        final Boolean update = SessionExpires.allows(message, "UPDATE", view);
        if (update != null)
        {
            session.peerAllowsUpdate = update;
        }
    }
}
