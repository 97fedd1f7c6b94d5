package dev.referee.engine.transaction;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotObject;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.time.TimerOwner;

import java.net.InetSocketAddress;

/**
 * An RFC 3261 §17.2 server transaction: INVITE (Figure 7) or non-INVITE (Figure 8).
 * <pre>
 * INVITE:     Proceeding --2xx--> Accepted --Timer L--> Terminated (RFC 6026: the TU retransmits 2xx until ACK;
 *             the transaction absorbs retransmitted INVITEs so that they never look like a new call)
 *             Proceeding --300-699--> Completed --ACK--> Confirmed --Timer I--> Terminated
 *             Completed --Timer G: resend final; Timer H: give up--> Terminated
 * non-INVITE: Trying --1xx--> Proceeding --final--> Completed --Timer J--> Terminated
 * </pre>
 * A retransmitted request is answered with the last response sent. Engine thread only.
 */
public final class ServerTransaction extends SnapshotObject implements TimerOwner
{
    public enum State
    {
        /** Non-INVITE request received, nothing sent yet. */
        TRYING,
        /** A provisional response was sent (INVITE starts here: 100 Trying goes at once). */
        PROCEEDING,
        /** A final response was sent; retransmitting it (INVITE, UDP) or absorbing request retransmissions. */
        COMPLETED,
        /** INVITE only: the ACK for a non-2xx final response came. */
        CONFIRMED,
        /** Gone from the layer. */
        TERMINATED,
        /**
         * INVITE only (RFC 6026 §7.1): a 2xx was sent. Retransmitted INVITEs are absorbed until Timer L (64*T1);
         * the TU retransmits the 2xx itself. Last in the enum: snapshots store states by ordinal.
         */
        ACCEPTED
    }

    final TransactionLayer layer;
    /** Its key (and the key's hash) and the headers its responses copy; null once terminated: the copy is reused. */
    RequestCopy copy;
    /** The next transaction held whose key has the same hash; null at the end. */
    ServerTransaction sameHash;
    /** The next transaction held whose request's origin (From, Call-ID, CSeq) has the same hash; null at the end. */
    ServerTransaction sameOrigin;
    /** A {@code SipMethod} flag (the highest is 1 << 13): narrow, as the engine's allocation per call has a budget. */
    final short method;
    final long cseq;
    /** A {@code Transport} code. */
    final byte transport;
    final InetSocketAddress responseDestination;
    final long connectionId;

    State state;
    /** The last response sent, resent for a retransmitted request (and by Timer G); given back at the end. */
    StoredMessage lastResponse;
    int lastStatus;
    long retransmitTimer = EngineTimers.NO_TIMER;
    long timeoutTimer = EngineTimers.NO_TIMER;
    long retransmitIntervalNs;

    /** The To tag Referee puts in responses when the request's To had none. */
    public String localTag;
    /** What the TU attaches (the leg, the call). */
    public Object context;
    /** The client transaction this request was relayed on, for CANCEL. */
    public ClientTransaction relayedTo;

    ServerTransaction(final TransactionLayer layer, final RequestCopy copy, final int method, final long cseq,
        final int transport, final InetSocketAddress responseDestination, final long connectionId)
    {
        this.layer = layer;
        this.copy = copy;
        this.method = (short)method;
        this.cseq = cseq;
        this.transport = (byte)transport;
        this.responseDestination = responseDestination;
        this.connectionId = connectionId;
    }

    public int method()
    {
        return method;
    }

    public long cseq()
    {
        return cseq;
    }

    public State state()
    {
        return state;
    }

    public int transport()
    {
        return transport;
    }

    /** Where responses go (RFC 3261 §18.2.2, RFC 3581): also the address the request came from. */
    public InetSocketAddress responseDestination()
    {
        return responseDestination;
    }

    public long connectionId()
    {
        return connectionId;
    }

    /** The last status sent; 0 while none. */
    public int lastStatus()
    {
        return lastStatus;
    }

    /** True once a final response was sent. */
    public boolean isFinal()
    {
        return lastStatus >= 200;
    }

    /** The key as text, one char per byte, as the String-keyed version held it (snapshots order and write it). */
    String key()
    {
        return copy == null ? "" : copy.key();
    }

    @Override
    public void onTimer(final long timerId, final long nowNs)
    {
        layer.onServerTimer(this, timerId, nowNs);
    }

    @Override
    public String toString()
    {
        return "ServerTransaction{" + key() + " " + state + "}";
    }

    @Override
    public int snapshotKind()
    {
        return SnapshotKinds.SERVER_TRANSACTION;
    }
}
