package dev.referee.engine.call;

import dev.referee.engine.message.StoredMessage;
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
    long localCSeq;
    long remoteCSeq = -1;
    /** REFERs received in this dialog: the second and later ones are told apart in NOTIFY by their CSeq. */
    int refersReceived;

    int transport;
    /** Where requests on this leg go: the address the peer talks from (symmetric signalling, NAT-safe). */
    InetSocketAddress flow;
    long connectionId;

    boolean confirmed;
    boolean terminated;

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
    long ackPendingCSeq = -1;
    /** The last ACK Referee sent on this leg, resent when the peer retransmits its 2xx. */
    StoredMessage lastAck;
    long lastAckCSeq = -1;

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

    public boolean isConfirmed()
    {
        return confirmed;
    }

    public Leg peer()
    {
        return peer;
    }

    /** Joins two legs: what arrives on one is relayed to the other. */
    static void join(final Leg one, final Leg other)
    {
        one.peer = other;
        other.peer = one;
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
