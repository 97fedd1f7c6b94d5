package dev.referee.transport;

/**
 * Whether this process may put SIP on the wire now. A single node always may. A cluster member may only while it
 * holds the leader's lease (docs/failover.md): a leader frozen past the heartbeat timeout, whose followers elected
 * another, wakes up believing it still leads, with messages in its rings and requests in its socket buffers; the
 * gate keeps it silent until it learns it lost the lead, so at most one member sends at any moment.
 * <p>
 * Asked by every thread that writes to a socket (the send stage, the receive threads' stateless answers, the TCP
 * thread), once per message: it must be cheap and thread-safe.
 */
@FunctionalInterface
public interface SendGate
{
    /** The single node's gate: always open. */
    SendGate OPEN = () -> true;

    /** True when a message may be sent now; a closed gate drops it (counted), as a full socket buffer would. */
    boolean isOpen();

    /**
     * True when a message may be sent now, after waiting, briefly, for a gate that is closed only until it learns
     * more: a cluster leader whose lease lapsed a moment ago (frozen for less than an election takes, or its lease
     * not looked at since the log moved) renews it within milliseconds unless it lost the lead. Asked by the threads
     * that send what the engine decided (the send stage, the TCP thread), never by a receive thread: a message dropped
     * there may be one nothing sends again (an ACK for a 2xx, relayed once), where a receive thread's stateless
     * answer is asked for again by the peer's retransmission.
     */
    default boolean awaitOpen()
    {
        return isOpen();
    }
}
