package dev.referee.capture;

import java.nio.ByteBuffer;

/**
 * The HEP agent's socket to the collector, UDP or TCP. Never blocks: a packet that cannot go at once is dropped
 * (and the agent counts it). Agent thread only.
 */
interface HepSender extends AutoCloseable
{
    /** The packet was handed to the socket. */
    int SENT = 0;
    /** The collector cannot take it now (not connected, socket buffer full): not sent, no error. */
    int DROPPED = 1;
    /** The socket reported an error (port unreachable, connection reset): not sent. */
    int ERROR = 2;

    /**
     * Whether a packet could go now; moves the connection along first (connects, reconnects after
     * {@link #RETRY_NS}, flushes what a partial write left). False lets the agent drop without encoding.
     */
    boolean ready(long nowNs);

    /** Sends {@code packet} (position to limit); {@link #SENT}, {@link #DROPPED} or {@link #ERROR}. */
    int send(ByteBuffer packet, long nowNs);

    @Override
    void close();

    /** How long a sender that lost its collector waits before it tries again. */
    long RETRY_NS = 1_000_000_000L;
}
