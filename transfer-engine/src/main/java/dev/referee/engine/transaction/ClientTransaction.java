package dev.referee.engine.transaction;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotObject;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.time.TimerOwner;

import java.net.InetSocketAddress;

/**
 * An RFC 3261 §17.1 client transaction: INVITE (Figure 5) or non-INVITE (Figure 6).
 * <pre>
 * INVITE:     Calling --1xx--> Proceeding --300-699 (send ACK)--> Completed --Timer D--> Terminated
 *             Calling/Proceeding --2xx (to TU)--> Accepted --Timer M--> Terminated (RFC 6026 §7.2: each later
 *             2xx, retransmitted or another fork's, to the TU; before node-start version 5: straight to Terminated)
 *             Calling --Timer B--> Terminated (timeout)
 * non-INVITE: Trying --1xx--> Proceeding --final--> Completed --Timer K--> Terminated
 *             Trying/Proceeding --Timer F--> Terminated (timeout)
 * </pre>
 * Timer A (INVITE) and E (non-INVITE) retransmit over UDP only. Engine thread only.
 */
public final class ClientTransaction extends SnapshotObject implements TimerOwner
{
    /**
     * What the transaction user sent the request for: a constant of the TU's own enum, which says what
     * {@link #context()} is. Its code goes into snapshots.
     */
    public interface Purpose
    {
        int code();
    }

    public enum State
    {
        /** INVITE sent, no response yet. */
        CALLING,
        /** Non-INVITE request sent, no response yet. */
        TRYING,
        /** A provisional response came. */
        PROCEEDING,
        /** A final response came; absorbing its retransmissions. */
        COMPLETED,
        /** Gone from the layer. */
        TERMINATED,
        /**
         * INVITE only (RFC 6026 §7.2): a 2xx came; further 2xx go to the TU until Timer M (64*T1). Last in the enum:
         * snapshots store states by ordinal.
         */
        ACCEPTED
    }

    final ClientTransactions layer;
    final long id;
    final String branch;
    /** A {@code SipMethod} flag (the highest is 1 << 13): narrow, as the engine's allocation per call has a budget. */
    final short method;
    final String methodName;
    /** A {@code Transport} code. */
    final byte transport;
    final InetSocketAddress destination;
    long connectionId;
    /** The request, for retransmission and to build its CANCEL or ACK; given back once neither can come. */
    StoredMessage request;

    State state;
    long retransmitTimer = EngineTimers.NO_TIMER;
    long timeoutTimer = EngineTimers.NO_TIMER;
    long retransmitIntervalNs;
    StoredMessage ack;
    int finalStatus;
    boolean provisionalSeen;
    /** Timer C fired: the TU was told and cancelled; what is left is waiting for the final response. */
    boolean timerCFired;

    /** What the TU sent the request for; null until it says. */
    Purpose purpose;
    /** What the TU attaches: the call, leg, transfer or relayed server transaction its purpose names. */
    Object context;

    ClientTransaction(final ClientTransactions layer, final long id, final String branch, final int method,
        final String methodName, final int transport, final InetSocketAddress destination, final long connectionId,
        final StoredMessage request)
    {
        this.layer = layer;
        this.id = id;
        this.branch = branch;
        this.method = (short)method;
        this.methodName = methodName;
        this.transport = (byte)transport;
        this.destination = destination;
        this.connectionId = connectionId;
        this.request = request;
    }

    /** Set by the TU once the request is sent: what it is for, and the object that purpose works on. */
    public void use(final Purpose purpose, final Object context)
    {
        this.purpose = purpose;
        this.context = context;
    }

    /** The TU's purpose machine moved (an INVITE given up): only the TU's one transition method calls this. */
    public void purpose(final Purpose next)
    {
        this.purpose = next;
    }

    /** The TU's new attachment for the same purpose. */
    public void context(final Object context)
    {
        this.context = context;
    }

    public Purpose purpose()
    {
        return purpose;
    }

    public Object context()
    {
        return context;
    }

    public long id()
    {
        return id;
    }

    public String branch()
    {
        return branch;
    }

    public int method()
    {
        return method;
    }

    public State state()
    {
        return state;
    }

    public int transport()
    {
        return transport;
    }

    public InetSocketAddress destination()
    {
        return destination;
    }

    public long connectionId()
    {
        return connectionId;
    }

    /** True once any provisional response came (CANCEL may only be sent then: RFC 3261 §9.1). */
    public boolean provisionalSeen()
    {
        return provisionalSeen;
    }

    /**
     * The request still held carries a body (an INVITE's offer). Read when a snapshot is restored, to derive the
     * offer/answer state of the leg the INVITE went on; never on the live path.
     */
    public boolean requestHasBody()
    {
        return request != null && request.hasBody();
    }

    /** The final status received; 0 while none. */
    public int finalStatus()
    {
        return finalStatus;
    }

    @Override
    public void onTimer(final long timerId, final long nowNs)
    {
        layer.onTimer(this, timerId, nowNs);
    }

    @Override
    public String toString()
    {
        return "ClientTransaction{" + methodName + " " + branch + " " + state + "}";
    }

    @Override
    public int snapshotKind()
    {
        return SnapshotKinds.CLIENT_TRANSACTION;
    }
}
