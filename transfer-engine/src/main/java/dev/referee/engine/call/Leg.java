package dev.referee.engine.call;

import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.time.TimerOwner;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * One side of a call as Referee sees it: a dialog (RFC 3261 §12) between Referee and one peer, and the flow
 * (transport, address, connection) its messages take. Referee is the UAS on the caller's leg and the UAC on
 * the callee's. Engine thread only.
 */
public final class Leg implements TimerOwner
{
    /**
     * The leg's dialog (RFC 3261 §12): EARLY until a 2xx confirms it, TERMINATED once a BYE, a CANCEL or a final
     * failure ends it. Referee's own INVITE or the peer's may be under way before the peer's tag is known: still EARLY.
     * <pre>
     * EARLY --2xx--> CONFIRMED --BYE (either way)--> TERMINATED ;  EARLY --CANCEL / failure / replaced--> TERMINATED
     * </pre>
     */
    public enum State
    {
        EARLY,
        CONFIRMED,
        TERMINATED;

        boolean canMoveTo(final State next)
        {
            return next.ordinal() > ordinal();
        }
    }

    final long id;
    /** The call the leg belongs to now: a transfer moves the transferee's leg into the call that goes on. */
    Call call;
    /** The leg this one is joined to; null while it is alone (a transferor after the transfer, a target ringing). */
    Leg peer;
    final B2bua b2bua;

    String callId;
    String localTag;
    String remoteTag;
    /** Referee's side as name-addr, without tag (From when Referee sends, To in what it receives). */
    String localUri;
    /** The peer's side as name-addr, without tag. */
    String remoteUri;
    /** The peer's Contact URI: the Request-URI of requests Referee sends on this leg. */
    String remoteTarget;
    /** Route header values for requests Referee sends on this leg, in order. */
    List<String> routeSet = List.of();
    /** CSeq numbers are below 2^31 (RFC 3261 §8.1.1.5; the parser refuses more): ints keep a leg 16 bytes smaller. */
    int localCSeq;
    int remoteCSeq = -1;
    /** REFERs received in this dialog: the second and later ones are told apart in NOTIFY by their CSeq. */
    int refersReceived;

    int transport;
    /** Where requests on this leg go: the address the peer talks from (symmetric signalling, NAT-safe). */
    InetSocketAddress flow;
    long connectionId;

    private State state = State.EARLY;
    /** {@link #trunk()} and the flow it was classified from. */
    private TrunkConfig trunk = TrunkDirectory.DEFAULT;
    private InetSocketAddress trunkFlow;
    /**
     * Where the offer/answer exchange of the leg's dialog stands (RFC 3264), as Referee sees it on this leg: the
     * {@link OfferAnswer} ordinal. A byte, not a reference, because it fits in the padding the object had: legs stay
     * the size they were (a reference made each 8 bytes bigger: 16 bytes more garbage per call, EngineAllocationTest
     * measured 2040 instead of 2024).
     */
    private byte offerAnswer;
    /** The dialog was confirmed at some point: history, kept once it is terminated (a BYE ended it, not a CANCEL). */
    private boolean answered;
    /**
     * The peer signalled {@code Supported: from-change} (RFC 4916) on a trusted trunk: Referee may change the From of
     * its requests in this dialog to say who the peer talks to now (a transfer's join). Node-start version 5 on.
     */
    boolean fromChange;

    /**
     * The version in the o= line of the last SDP Referee sent on this leg (RFC 3264 §8), 0 before the first; the
     * session id is derived from the leg id ({@link SdpOrigin}).
     */
    int sdpVersion;
    /**
     * A hash of that SDP without its o= line: a description sent again unchanged keeps its version. 32 bits, not 64,
     * so that version and hash together fit in 8 bytes: a leg 16 bytes bigger took the basic call past its allocation
     * budget (EngineAllocationTest, 2072 bytes); a changed description taken for the same one is a 1 in 2^32 chance.
     */
    int sdpHash;

    /** A 2xx to an INVITE sent on this leg and not yet acknowledged (RFC 3261 §13.3.1.4). */
    StoredMessage pending2xx;
    long pending2xxCSeq = -1;
    long retransmitTimer = EngineTimers.NO_TIMER;
    long giveUpTimer = EngineTimers.NO_TIMER;
    long retransmitIntervalNs;

    /** An INVITE from the peer on this leg still waiting for a final response (glare: RFC 3261 §14.2). */
    dev.referee.engine.transaction.ServerTransaction serverInvite;
    /** An INVITE Referee sent on this leg still waiting for a final response. */
    dev.referee.engine.transaction.ClientTransaction clientInvite;

    /** The CSeq of the last INVITE Referee sent on this leg whose 2xx still needs our ACK. */
    int ackPendingCSeq = -1;
    /**
     * The ACK owed on this leg is a transfer's (set through {@link #ackPendingCSeq(long)}): it waits for the other
     * party's answer, so an ACK from this leg's B2BUA peer is not relayed into it (EngineConfig.keepsTransfersAcks).
     */
    boolean ackHeldByTransfer;
    /** The last ACK Referee sent on this leg, resent when the peer retransmits its 2xx. */
    StoredMessage lastAck;
    int lastAckCSeq = -1;

    Leg(final long id, final Call call, final B2bua b2bua)
    {
        this.id = id;
        this.call = call;
        this.b2bua = b2bua;
    }

    public long id()
    {
        return id;
    }

    public Call call()
    {
        return call;
    }

    public String callId()
    {
        return callId;
    }

    public String localTag()
    {
        return localTag;
    }

    public String remoteTag()
    {
        return remoteTag;
    }

    /** Referee's side as name-addr, without tag. */
    public String localUri()
    {
        return localUri;
    }

    /** The peer's side as name-addr, without tag. */
    public String remoteUri()
    {
        return remoteUri;
    }

    /** The peer's Contact URI. */
    public String remoteTarget()
    {
        return remoteTarget;
    }

    public int transport()
    {
        return transport;
    }

    public InetSocketAddress flow()
    {
        return flow;
    }

    public long connectionId()
    {
        return connectionId;
    }

    /** The connection the peer's latest response came on (TCP): requests on the leg take it from now on. */
    public void connectionId(final long connectionId)
    {
        this.connectionId = connectionId;
    }

    /** The CSeq of the next request Referee sends in this dialog (RFC 3261 §12.2.1.1: one more each time). */
    public long nextLocalCSeq()
    {
        return ++localCSeq;
    }

    /** REFERs received in this dialog so far. */
    public int refersReceived()
    {
        return refersReceived;
    }

    /** One more REFER arrived in this dialog. */
    public void referReceived()
    {
        refersReceived++;
    }

    /** An INVITE Referee sent on this leg still waiting for a final response; null when none. */
    public dev.referee.engine.transaction.ClientTransaction clientInvite()
    {
        return clientInvite;
    }

    public void clientInvite(final dev.referee.engine.transaction.ClientTransaction invite)
    {
        this.clientInvite = invite;
    }

    /** An INVITE from the peer on this leg still waiting for a final response; null when none. */
    public dev.referee.engine.transaction.ServerTransaction serverInvite()
    {
        return serverInvite;
    }

    public void serverInvite(final dev.referee.engine.transaction.ServerTransaction invite)
    {
        this.serverInvite = invite;
    }

    /** The CSeq of the INVITE whose 2xx still needs Referee's ACK; -1 when none. */
    /**
     * An INVITE of Referee's on this leg is not over: it waits for its final response, or its 2xx for the ACK Referee
     * owes (held for the other party's answer). RFC 3261 §14.1: no new INVITE on the dialog until then.
     */
    public boolean inviteUnderWay()
    {
        return clientInvite != null || ackPendingCSeq >= 0;
    }

    public long ackPendingCSeq()
    {
        return ackPendingCSeq;
    }

    /** A 2xx to the INVITE of CSeq {@code cseq} arrived: the next ACK on this leg acknowledges it. */
    public void ackPendingCSeq(final long cseq)
    {
        this.ackPendingCSeq = (int)cseq;
        this.ackHeldByTransfer = cseq >= 0;
    }

    /**
     * Sends the leg's next requests to another target (a redirect Contact): a new dialog will form, so the peer's tag,
     * route set and connection are forgotten.
     */
    public void retarget(final String remoteTarget, final int transport, final InetSocketAddress flow)
    {
        this.remoteTag = null;
        this.routeSet = List.of();
        this.remoteTarget = remoteTarget;
        this.flow = flow;
        this.transport = transport;
        this.connectionId = 0;
    }

    /**
     * The trunk of the peer this leg talks to ({@link TrunkDirectory#DEFAULT} when in none): classified from the leg's
     * flow, again whenever the flow changes (a redirect), so snapshots need not carry it.
     */
    public TrunkConfig trunk()
    {
        if (trunkFlow != flow)
        {
            trunk = b2bua.trunks().trunkOf(flow);
            trunkFlow = flow;
        }
        return trunk;
    }

    /** True when the peer accepts a changed From in this dialog (RFC 4916; see the field). */
    public boolean acceptsFromChange()
    {
        return fromChange;
    }

    /**
     * From now on Referee's requests in this dialog carry {@code identity} in From (RFC 4916 §4: same tag, new URI),
     * e.g. the target a transferee was joined to.
     */
    public void changeLocalIdentity(final String identity)
    {
        localUri = identity;
    }

    /** The trunks were reconfigured: the next {@link #trunk()} classifies the flow again with the new ones. */
    void forgetTrunk()
    {
        trunkFlow = null;
    }

    public boolean isConfirmed()
    {
        return state == State.CONFIRMED;
    }

    public boolean isTerminated()
    {
        return state == State.TERMINATED;
    }

    /** Confirmed now or before it was terminated: a BYE, not a CANCEL, is what ended or ends it. */
    public boolean wasAnswered()
    {
        return answered;
    }

    public State state()
    {
        return state;
    }

    /** The dialog's one transition: reported, or refused (and reported) when the machine does not allow it. */
    public void state(final State next, final long nowNs, final String reason)
    {
        if (next == state)
        {
            return;
        }
        final Transitions transitions = b2bua.transitions();
        final long callId = call == null ? 0 : call.id;
        if (!state.canMoveTo(next))
        {
            transitions.refused(StateMachine.DIALOG, id, callId, state, next, reason, nowNs);
            return;
        }
        final State from = state;
        state = next;
        answered |= next == State.CONFIRMED;
        transitions.moved(StateMachine.DIALOG, id, callId, from, next, reason, nowNs);
        if (next == State.TERMINATED)
        {
            b2bua.legEnded(this);
        }
        else if (next == State.CONFIRMED)
        {
            b2bua.callMedia().confirmed(this);
        }
    }

    public OfferAnswer offerAnswer()
    {
        return OfferAnswer.ofOrdinal(offerAnswer);
    }

    /**
     * The offer/answer machine's one transition: reported, or refused (and reported) when the machine does not allow
     * it. Moving to the state the leg is in already does nothing.
     */
    public void offerAnswer(final OfferAnswer next, final long nowNs, final String reason)
    {
        final OfferAnswer from = offerAnswer();
        if (next == from)
        {
            return;
        }
        final Transitions transitions = b2bua.transitions();
        final long callId = call == null ? 0 : call.id;
        if (!from.canMoveTo(next))
        {
            transitions.refused(StateMachine.OFFER_ANSWER, id, callId, from, next, reason, nowNs);
            return;
        }
        offerAnswer = (byte)next.ordinal();
        transitions.moved(StateMachine.OFFER_ANSWER, id, callId, from, next, reason, nowNs);
    }

    /**
     * Referee received a message of {@code carrier} on this leg, with a body or without: the offer/answer move it
     * makes, or, when the machine has none (an answer with no offer pending, a second offer, an answer left out), a
     * report of the unexpected input. Either way the message is handled as before: the machine only records.
     */
    public void received(final OfferAnswer.Carrier carrier, final boolean body, final long nowNs)
    {
        exchanged(true, carrier, body, offerAnswer().afterReceiving(carrier, body), nowNs);
    }

    /** Referee sent a message of {@code carrier} on this leg: as {@link #received}, for what Referee sends. */
    public void sent(final OfferAnswer.Carrier carrier, final boolean body, final long nowNs)
    {
        exchanged(false, carrier, body, offerAnswer().afterSending(carrier, body), nowNs);
    }

    /** The INVITE exchange under way on this leg ended without success: an open offer is void. */
    public void offerFailed(final long nowNs, final String reason)
    {
        offerAnswer(offerAnswer().afterFailure(answered), nowNs, reason);
    }

    private void exchanged(final boolean received, final OfferAnswer.Carrier carrier, final boolean body,
        final OfferAnswer next, final long nowNs)
    {
        if (next == null)
        {
            b2bua.transitions().unexpected(StateMachine.OFFER_ANSWER, id, call == null ? 0 : call.id, offerAnswer(),
                carrier + (body ? " with a body " : " without a body ") + (received ? "received" : "sent"), nowNs);
            return;
        }
        if (next != offerAnswer())
        {
            offerAnswer(next, nowNs, OfferAnswer.reason(received, carrier, next));
        }
    }

    /** A snapshot's leg: its offer/answer state, derived from what the snapshot holds (CallSnapshots only). */
    void restoreOfferAnswer(final OfferAnswer offerAnswer)
    {
        this.offerAnswer = (byte)offerAnswer.ordinal();
    }

    /** A snapshot's leg: its state as recorded (CallSnapshots only). */
    void restoreState(final boolean answered, final boolean terminated)
    {
        this.answered = answered;
        this.state = terminated ? State.TERMINATED : answered ? State.CONFIRMED : State.EARLY;
    }

    public Leg peer()
    {
        return peer;
    }

    /**
     * Points this leg at {@code peer} (null: the leg is alone) without touching the peer's link; {@link #join} links
     * both ways.
     */
    public void peer(final Leg peer)
    {
        this.peer = peer;
    }

    /** Joins two legs: what arrives on one is relayed to the other. */
    public static void join(final Leg one, final Leg other)
    {
        one.peer = other;
        other.peer = one;
        if (one.b2bua != null)
        {
            one.b2bua.callMedia().joined(one, other);
        }
    }

    @Override
    public void onTimer(final long timerId, final long nowNs)
    {
        b2bua.onLegTimer(this, timerId, nowNs);
    }

    @Override
    public String toString()
    {
        return "Leg{" + id + " " + callId + " local=" + localTag + " remote=" + remoteTag + "}";
    }
}
