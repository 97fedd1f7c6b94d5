package dev.referee.engine.call;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * RFC 3262 §3 on the leg Referee is the UAS of (the caller's), node-start version 6 on: when the caller's INVITE said
 * {@code Supported: 100rel} (with an offer) or {@code Require: 100rel}, every 18x Referee relays to it is reliable:
 * {@code Require: 100rel} and an RSeq (the first drawn from the keyed generator, 1 to 2^31-1, then one more each),
 * sent again at T1, 2T1, 4T1... over UDP until the caller's PRACK, whose RAck must name it (RSeq, the INVITE's CSeq
 * number, INVITE): 200 then, 481 for a PRACK that names nothing unacknowledged, 488 for a PRACK with a body (an offer:
 * Referee does not take offers in PRACK; it still acknowledges the provisional). No PRACK within 64*T1: the INVITE is
 * answered 500 (the caller failed, not a server downstream: 504 would blame one) and the callee's INVITE cancelled;
 * the call ends with cause {@code no-prack}.
 * <p>
 * One reliable provisional is unacknowledged at a time. Those relayed meanwhile wait, written with their RSeq, at most
 * {@link #MAX_WAITING}: one without SDP takes the place of a waiting one without SDP (only the latest progress matters,
 * 180 after 180), one with SDP is kept in order (an answer must not be lost); one more than the bound is dropped and
 * reported. A final response goes whatever is unacknowledged (retransmissions and the waiting ones stop with it,
 * checked at their next timer or PRACK, and a late PRACK still gets 200), except a 2xx while a reliable provisional
 * with SDP is unacknowledged or waits: §3 forbids it until that one is acknowledged. The 2xx is then held, written
 * and copied (one per leg), and goes as soon as the PRACK comes and no provisional with SDP is left unacknowledged;
 * when no PRACK comes the call ends as without a 2xx (500, cause no-prack), and the callee's dialog the 2xx confirmed
 * gets ACK and BYE instead of a CANCEL. An INVITE without offer that only supports
 * 100rel gets its provisionals unreliably (an SDP in them would be an offer Referee cannot answer in a PRACK); one that
 * requires 100rel gets them reliably without their body. State exists only for callers with 100rel, and goes with the
 * leg. Engine thread only.
 */
final class ReliableProvisionals
{
    /** Reliable provisionals waiting for the PRACK of the one before them, per leg. */
    static final int MAX_WAITING = 4;
    private static final long MAX_FIRST_RSEQ = (1L << 31) - 1;

    /** A provisional written with its RSeq, to be sent once the one before it is acknowledged. */
    static final class Waiting
    {
        StoredMessage message;
        int status;
        long rseq;
        boolean body;
    }

    /** The reliable provisionals of one caller's leg. */
    static final class Sending
    {
        /** The INVITE had no offer: provisionals go without their body. */
        boolean offerless;
        /** RSeq of the last reliable provisional written; 0 before the first. */
        long lastRSeq;
        /** RSeq of the one sent and not yet acknowledged; 0 when none. */
        long unackedRSeq;
        /** Its copy, sent again until the PRACK; null once the final response went (a late PRACK still matches). */
        StoredMessage unacked;
        /** The CSeq number of the INVITE it answers (RAck names it). */
        long inviteCSeq;
        long retransmitTimer = EngineTimers.NO_TIMER;
        long giveUpTimer = EngineTimers.NO_TIMER;
        long retransmitIntervalNs;
        /** The INVITE's offer was answered in one of them (the leg is EARLY_ANSWERED until the final response). */
        boolean answered;
        /** The one unacknowledged carries SDP: a 2xx may not go before its PRACK (RFC 3262 §3). */
        boolean unackedBody;
        /** The callee's 2xx, written for the caller and held until the PRACK (§3); null when none is held. */
        StoredMessage held2xx;
        int held2xxStatus;
        /** The held 2xx carries SDP (its offer/answer move when it goes). */
        boolean held2xxBody;
        final List<Waiting> waiting = new ArrayList<>(1);
    }

    private final B2bua b2bua;
    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final IdGenerator ids;
    private final EngineCounters counters;
    private final Long2ObjectHashMap<Sending> byLeg = new Long2ObjectHashMap<>();
    private final AsciiView view = new AsciiView();

    ReliableProvisionals(final B2bua b2bua, final TransactionLayer transactions, final LegMessages messages,
        final EngineTimers timers, final IdGenerator ids, final EngineCounters counters)
    {
        this.b2bua = b2bua;
        this.transactions = transactions;
        this.messages = messages;
        this.timers = timers;
        this.ids = ids;
        this.counters = counters;
    }

    /** The caller's INVITE that made {@code caller}: whether its provisionals go reliably (see the class). */
    void onInvite(final Leg caller, final SipMessage invite)
    {
        if (!b2bua.config().reliableProvisionals())
        {
            return;
        }
        final boolean offer = invite.bodyLength() > 0;
        final boolean required = OptionTags.requires(invite, OptionTags.REL100, view);
        if (required || offer && OptionTags.supports(invite, OptionTags.REL100, view))
        {
            final Sending sending = new Sending();
            sending.offerless = !offer;
            byLeg.put(caller.id, sending);
        }
    }

    /** True when a provisional relayed to {@code caller} on {@code st}, its INVITE, goes reliably. */
    boolean sendsReliably(final Leg caller, final ServerTransaction st)
    {
        return !byLeg.isEmpty() && byLeg.get(caller.id) != null && !st.isFinal() &&
            st.state() != ServerTransaction.State.TERMINATED;
    }

    /**
     * Relays {@code response}, a callee's 18x received on {@code ct}, reliably to {@code caller} on its INVITE
     * {@code st}: sent now when nothing is unacknowledged, else written to wait its turn.
     */
    void relay(final ServerTransaction st, final Leg caller, final ClientTransaction ct, final SipMessage response)
    {
        final Sending sending = byLeg.get(caller.id);
        final boolean body = !sending.offerless && response.bodyLength() > 0;
        final int status = response.statusCode();
        if (sending.unackedRSeq == 0)
        {
            final long rseq = nextRSeq(caller, sending);
            messages.writeRelayedResponse(st, caller, ct, response, true, false, rseq, body);
            final StoredMessage copy = messages.copyOfMessage();
            transactions.send(st, status);
            sent(caller, sending, copy, rseq, st.cseq(), body);
            return;
        }
        final List<Waiting> waiting = sending.waiting;
        final Waiting last = waiting.isEmpty() ? null : waiting.get(waiting.size() - 1);
        final Waiting next;
        if (!body && last != null && !last.body)
        {
            next = last; // coalesced: the newer progress takes the waiting one's place and RSeq
            messages.outbox().release(last.message);
        }
        else if (waiting.size() < MAX_WAITING)
        {
            next = new Waiting();
            next.rseq = ++sending.lastRSeq;
            waiting.add(next);
        }
        else
        {
            b2bua.transitions().unexpected(StateMachine.DIALOG, caller.id, callIdOf(caller), caller.state(),
                status + " dropped: " + MAX_WAITING + " reliable provisionals wait for a PRACK already",
                timers.nowNs());
            return;
        }
        messages.writeRelayedResponse(st, caller, ct, response, true, false, next.rseq, body);
        next.message = messages.copyOfMessage();
        next.status = status;
        next.body = body;
    }

    /**
     * The callee's 2xx {@code response} (received on {@code ct}) to the INVITE {@code st} of {@code caller}: true when
     * it is held, written for the caller now (the received message does not outlive the input) and sent once the
     * PRACK comes, because a reliable provisional with SDP is unacknowledged or waits (RFC 3262 §3: the UAS MUST NOT
     * send a 2xx before those are acknowledged). False when it may go now: no 100rel, or nothing with SDP pending.
     */
    boolean hold2xx(final ServerTransaction st, final Leg caller, final ClientTransaction ct,
        final SipMessage response)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.get(caller.id);
        if (sending == null || !answerUnacknowledged(sending) || openInvite(caller) == null)
        {
            return false;
        }
        if (sending.held2xx != null)
        {
            // One per leg: the INVITE's client transaction hands on one final response only, so this is not expected.
            b2bua.transitions().unexpected(StateMachine.DIALOG, caller.id, callIdOf(caller), caller.state(),
                "a second 2xx while one is held for the PRACK: dropped", timers.nowNs());
            return true;
        }
        messages.writeRelayedResponse(st, caller, ct, response, true, false, 0, true);
        sending.held2xx = messages.copyOfMessage();
        sending.held2xxStatus = response.statusCode();
        sending.held2xxBody = response.bodyLength() > 0;
        return true;
    }

    /** True while {@code caller}'s call holds the callee's 2xx for the caller's PRACK. */
    boolean holds2xx(final Leg caller)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.get(caller.id);
        return sending != null && sending.held2xx != null;
    }

    /**
     * A PRACK on {@code caller}'s dialog (its server transaction {@code st}): acknowledges the provisional its RAck
     * names, answered 200 (488 with a body), or 481 when it names none unacknowledged (§3). Never relayed: each leg
     * has its own reliable provisionals.
     */
    void onPrack(final Leg caller, final ServerTransaction st, final SipMessage prack)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.get(caller.id);
        if (sending == null || sending.unackedRSeq == 0 || !matches(prack, sending))
        {
            messages.respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null, null);
            b2bua.transitions().unexpected(StateMachine.DIALOG, caller.id, callIdOf(caller), caller.state(),
                "PRACK naming no unacknowledged reliable provisional: 481", timers.nowNs());
            return;
        }
        if (counters != null)
        {
            counters.increment(EngineCounters.PRACKS_RECEIVED);
        }
        stop(sending);
        sending.unackedRSeq = 0;
        if (prack.bodyLength() > 0)
        {
            // An offer in a PRACK (RFC 3262 §5 allows one after the answer): Referee does not relay it. 488 refuses
            // only the offer; the provisional is acknowledged all the same.
            messages.respond(st, SipStatus.NOT_ACCEPTABLE_HERE, "Warning", "399 referee \"no offer in PRACK\"");
        }
        else
        {
            messages.respond(st, SipStatus.OK, null, null);
        }
        sendNext(caller, sending);
        if (sending.held2xx != null && !answerUnacknowledged(sending))
        {
            release2xx(caller, sending);
        }
    }

    /** Timer {@code timerId} of {@code leg} fired: false when it is none of its reliable provisionals' timers. */
    boolean onTimer(final Leg leg, final long timerId)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.get(leg.id);
        if (sending == null || timerId != sending.retransmitTimer && timerId != sending.giveUpTimer)
        {
            return false;
        }
        final ServerTransaction invite = openInvite(leg);
        if (invite == null)
        {
            afterFinal(sending); // the final response went: nothing more to send for this INVITE
            return true;
        }
        if (timerId == sending.retransmitTimer)
        {
            // RFC 3262 §3: T1, then doubling without T2's cap, until the PRACK or 64*T1.
            messages.outbox().resend(invite.transport(), invite.responseDestination(), invite.connectionId(),
                sending.unacked);
            sending.retransmitIntervalNs *= 2;
            sending.retransmitTimer = timers.scheduleRetransmission(sending.retransmitIntervalNs, leg);
            return true;
        }
        sending.giveUpTimer = EngineTimers.NO_TIMER;
        giveUp(leg, sending, invite);
        return true;
    }

    /** The leg is gone: its timers stop and its copies go back. */
    void forget(final Leg leg)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.remove(leg.id);
        if (sending != null)
        {
            afterFinal(sending);
        }
    }

    /** True when {@code leg}'s INVITE under way was answered in a reliable provisional (offer/answer at restore). */
    boolean answeredEarly(final Leg leg)
    {
        final Sending sending = byLeg.isEmpty() ? null : byLeg.get(leg.id);
        return sending != null && sending.answered;
    }

    // ---- snapshots -------------------------------------------------------------------------------------------

    /**
     * By leg id, in order: count, then each leg id, offerless, last RSeq, unacknowledged RSeq and copy, INVITE CSeq,
     * timers, interval, answered, whether the unacknowledged one has SDP, the 2xx held (copy, status, body), and the
     * waiting ones (copy, status, RSeq, body).
     */
    void write(final SnapshotWriter out)
    {
        final TreeMap<Long, Sending> ordered = new TreeMap<>();
        byLeg.forEach(ordered::put);
        out.writeInt(ordered.size());
        ordered.forEach((id, sending) ->
        {
            out.writeLong(id);
            out.writeBoolean(sending.offerless);
            out.writeLong(sending.lastRSeq);
            out.writeLong(sending.unackedRSeq);
            StoredMessage.write(sending.unacked, out);
            out.writeLong(sending.inviteCSeq);
            out.writeLong(sending.retransmitTimer);
            out.writeLong(sending.giveUpTimer);
            out.writeLong(sending.retransmitIntervalNs);
            out.writeBoolean(sending.answered);
            out.writeBoolean(sending.unackedBody);
            StoredMessage.write(sending.held2xx, out);
            out.writeInt(sending.held2xxStatus);
            out.writeBoolean(sending.held2xxBody);
            out.writeByte(sending.waiting.size());
            for (final Waiting waiting : sending.waiting)
            {
                StoredMessage.write(waiting.message, out);
                out.writeInt(waiting.status);
                out.writeLong(waiting.rseq);
                out.writeBoolean(waiting.body);
            }
        });
    }

    void read(final SnapshotReader in, final Long2ObjectHashMap<Leg> legs)
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final long id = in.readLong();
            if (legs.get(id) == null)
            {
                throw new SnapshotException("reliable provisionals of leg " + id +
                    ", which the snapshot does not hold");
            }
            final Sending sending = new Sending();
            sending.offerless = in.readBoolean();
            sending.lastRSeq = in.readLong();
            sending.unackedRSeq = in.readLong();
            sending.unacked = StoredMessage.of(in.readBytes());
            sending.inviteCSeq = in.readLong();
            sending.retransmitTimer = in.readLong();
            sending.giveUpTimer = in.readLong();
            sending.retransmitIntervalNs = in.readLong();
            sending.answered = in.readBoolean();
            sending.unackedBody = in.readBoolean();
            sending.held2xx = StoredMessage.of(in.readBytes());
            sending.held2xxStatus = in.readInt();
            sending.held2xxBody = in.readBoolean();
            final int n = in.readByte();
            if (n > MAX_WAITING)
            {
                throw new SnapshotException("leg " + id + " has " + n + " reliable provisionals waiting, at most " +
                    MAX_WAITING);
            }
            for (int w = 0; w < n; w++)
            {
                final Waiting waiting = new Waiting();
                waiting.message = StoredMessage.of(in.readBytes());
                waiting.status = in.readInt();
                waiting.rseq = in.readLong();
                waiting.body = in.readBoolean();
                sending.waiting.add(waiting);
            }
            byLeg.put(id, sending);
        }
    }

    // ---- inside ----------------------------------------------------------------------------------------------

    /** The RSeq of the next reliable provisional: the first drawn (1 to 2^31-1, replayable), then one more each. */
    private long nextRSeq(final Leg caller, final Sending sending)
    {
        sending.lastRSeq = sending.lastRSeq == 0 ?
            1 + ids.draw(IdGenerator.DRAW_RSEQ, caller.id) % MAX_FIRST_RSEQ : sending.lastRSeq + 1;
        return sending.lastRSeq;
    }

    /** A reliable provisional with SDP is unacknowledged, or waits its turn: a 2xx must wait for it (§3). */
    private static boolean answerUnacknowledged(final Sending sending)
    {
        if (sending.unackedRSeq != 0 && sending.unackedBody)
        {
            return true;
        }
        for (int i = 0; i < sending.waiting.size(); i++)
        {
            if (sending.waiting.get(i).body)
            {
                return true;
            }
        }
        return false;
    }

    /** The held 2xx goes now: the caller's leg and the call are answered as if it had just come. */
    private void release2xx(final Leg caller, final Sending sending)
    {
        final StoredMessage held = sending.held2xx;
        sending.held2xx = null;
        b2bua.answerCaller(caller.call, held, sending.held2xxStatus, sending.held2xxBody);
        messages.outbox().release(held);
    }

    /** A reliable provisional went: retransmitted over UDP, given up after 64*T1 (§3). */
    private void sent(final Leg caller, final Sending sending, final StoredMessage copy, final long rseq,
        final long inviteCSeq, final boolean body)
    {
        sending.unacked = copy;
        sending.unackedRSeq = rseq;
        sending.unackedBody = body;
        sending.inviteCSeq = inviteCSeq;
        final long t1Ns = b2bua.config().t1Ns();
        final ServerTransaction invite = openInvite(caller);
        if (invite != null && !TransactionLayer.isReliable(invite.transport()))
        {
            sending.retransmitIntervalNs = t1Ns;
            sending.retransmitTimer = timers.schedule(t1Ns, caller);
        }
        sending.giveUpTimer = timers.schedule(64 * t1Ns, caller);
        if (body)
        {
            caller.sent(OfferAnswer.Carrier.RELIABLE_PROVISIONAL, true, timers.nowNs());
            sending.answered |= caller.offerAnswer() == OfferAnswer.EARLY_ANSWERED;
        }
    }

    /** The one acknowledged: the first waiting one goes now, while the INVITE waits for its final response. */
    private void sendNext(final Leg caller, final Sending sending)
    {
        final ServerTransaction invite = openInvite(caller);
        if (invite == null)
        {
            afterFinal(sending);
            return;
        }
        if (sending.waiting.isEmpty())
        {
            return;
        }
        final Waiting next = sending.waiting.remove(0);
        messages.outbox().sendStored(invite.transport(), invite.responseDestination(), invite.connectionId(),
            next.message, next.status);
        sent(caller, sending, next.message, next.rseq, sending.inviteCSeq, next.body);
    }

    /**
     * No PRACK within 64*T1 (§3): 500 to the caller, the callee's INVITE cancelled (or, when its 2xx was held, its
     * dialog acknowledged and ended with BYE); cause no-prack.
     */
    private void giveUp(final Leg caller, final Sending sending, final ServerTransaction invite)
    {
        if (counters != null)
        {
            counters.increment(EngineCounters.PROVISIONALS_UNACKNOWLEDGED);
        }
        b2bua.transitions().unexpected(StateMachine.DIALOG, caller.id, callIdOf(caller), caller.state(),
            "reliable provisional RSeq " + sending.unackedRSeq + " never acknowledged: 500", timers.nowNs());
        messages.respond(invite, SipStatus.SERVER_INTERNAL_ERROR, "Reason",
            "SIP;cause=500;text=\"reliable provisional response not acknowledged (RFC 3262)\"");
        // Before afterFinal lets go of a held 2xx: the call's end asks whether one was held (its callee gets a BYE).
        b2bua.noPrack(caller.call);
        afterFinal(sending);
    }

    /**
     * Retransmissions stop and copies go back (a 2xx held too: the call ended without it); the unacknowledged RSeq
     * stays, so that a late PRACK matches.
     */
    private void afterFinal(final Sending sending)
    {
        stop(sending);
        messages.outbox().release(sending.held2xx);
        sending.held2xx = null;
        messages.outbox().release(sending.unacked);
        sending.unacked = null;
        for (final Waiting waiting : sending.waiting)
        {
            messages.outbox().release(waiting.message);
        }
        sending.waiting.clear();
    }

    private void stop(final Sending sending)
    {
        sending.retransmitTimer = timers.cancel(sending.retransmitTimer);
        sending.giveUpTimer = timers.cancel(sending.giveUpTimer);
        if (sending.unackedRSeq != 0 && sending.unacked != null)
        {
            messages.outbox().release(sending.unacked);
            sending.unacked = null;
        }
    }

    /** The caller's INVITE of {@code caller}'s call while it waits for its final response; null otherwise. */
    private static ServerTransaction openInvite(final Leg caller)
    {
        final Call call = caller.call;
        final ServerTransaction invite = call == null || call.a != caller ? null : call.callerInvite;
        return invite == null || invite.isFinal() || invite.state() == ServerTransaction.State.TERMINATED ?
            null : invite;
    }

    /** RAck: the RSeq, the INVITE's CSeq number and INVITE (RFC 3262 §7.2), matching what is unacknowledged. */
    private boolean matches(final SipMessage prack, final Sending sending)
    {
        if (!prack.header(HeaderName.RACK, view))
        {
            return false;
        }
        final AsciiView rack = PrackSender.trimmed(view);
        final int n = rack.length();
        int i = 0;
        long rseq = 0;
        int digits = 0;
        while (i < n && rack.charAt(i) >= '0' && rack.charAt(i) <= '9' && digits < 11)
        {
            rseq = rseq * 10 + rack.charAt(i++) - '0';
            digits++;
        }
        while (i < n && rack.charAt(i) <= ' ')
        {
            i++;
        }
        long cseq = 0;
        int cseqDigits = 0;
        while (i < n && rack.charAt(i) >= '0' && rack.charAt(i) <= '9' && cseqDigits < 11)
        {
            cseq = cseq * 10 + rack.charAt(i++) - '0';
            cseqDigits++;
        }
        while (i < n && rack.charAt(i) <= ' ')
        {
            i++;
        }
        final boolean invite = n - i == 6 && "INVITE".contentEquals(rack.subSequence(i, n));
        return digits > 0 && cseqDigits > 0 && invite && rseq == sending.unackedRSeq && cseq == sending.inviteCSeq;
    }

    private static long callIdOf(final Leg leg)
    {
        return leg.call == null ? 0 : leg.call.id;
    }
}
