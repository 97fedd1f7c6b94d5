package dev.referee.engine.call;

import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipStatus;

/**
 * The responses to a request {@link RequestRelay} sent on from one leg to the other, relayed back to the leg that
 * sent it (RFC 3261 §12.2.1.2 on the peer's dialog, §12.2.2 on the leg's): a re-INVITE's 2xx moves both legs'
 * offer/answer and session timers and is sent again until its ACK; a failure voids the offer on both legs; a request
 * that timed out gets 408. A 2xx for a request given up meanwhile is acknowledged on the peer's dialog. Engine thread
 * only.
 */
final class ResponseRelay
{
    private final LegMessages messages;
    private final EngineTimers timers;
    private final SessionTimers sessions;
    private final Invite2xxRetransmission retransmission;

    ResponseRelay(final LegMessages messages, final EngineTimers timers, final SessionTimers sessions,
        final Invite2xxRetransmission retransmission)
    {
        this.messages = messages;
        this.timers = timers;
        this.sessions = sessions;
        this.retransmission = retransmission;
    }

    /** {@code response} to {@code ct}, the request relayed for server transaction {@code st}. */
    void onResponse(final ClientTransaction ct, final ServerTransaction st, final SipMessage response)
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
            retransmission.start(leg, st.cseq());
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
        messages.relayResponse(st, leg, ct, response, status < 300 && RequestRelay.isTargetRefresh(ct.method()),
            status >= 300 && status < 400);
        if (updated)
        {
            sessions.answered(leg);
        }
    }

    /** The relayed request {@code ct} got no final response: the leg that sent it gets 408. */
    void onTimeout(final ClientTransaction ct, final long nowNs)
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

    /** A relayed re-INVITE of {@code leg}'s peer failed: the offer it carried is void on both legs. */
    static void offerFailed(final Leg leg, final long nowNs, final String reason)
    {
        leg.offerFailed(nowNs, reason);
        if (leg.peer() != null)
        {
            leg.peer().offerFailed(nowNs, reason);
        }
    }

    /** A relayed INVITE has its final response: no INVITE is under way on the leg or its peer any more. */
    private static void clearInvite(final ServerTransaction st, final ClientTransaction ct)
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

    /** The leg {@code ct} was relayed on: the peer of the leg whose request it carries; null when that is no leg. */
    private static Leg legOf(final ClientTransaction ct)
    {
        final Object context = ((ServerTransaction)ct.context()).context;
        return context instanceof Leg ? ((Leg)context).peer() : null;
    }
}
