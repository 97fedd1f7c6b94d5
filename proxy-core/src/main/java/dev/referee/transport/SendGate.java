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
}
