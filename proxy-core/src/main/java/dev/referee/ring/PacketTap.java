package dev.referee.ring;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Sees a copy of each SIP message a transport thread receives from or writes to a socket (HEP capture, package
 * {@code capture}). Lives here, below both the transports that call it and the capture that implements it.
 * <p>
 * One tap per writer thread (the UDP receive thread, the send thread, the TCP thread), made by a {@link Source}
 * before the threads start. {@link #copy} is on the hot path of that thread: it must never block and should not
 * allocate; a tap that cannot keep up drops the copy and counts it.
 */
@FunctionalInterface
public interface PacketTap
{
    /** IANA protocol number of UDP, as HEP's "IP protocol ID" carries it. */
    int UDP = 17;
    /** IANA protocol number of TCP. */
    int TCP = 6;

    /** Captures nothing (HEP off). */
    PacketTap NONE = (protocol, source, destination, buffer, offset, length, timeNs) ->
    {
    };

    /**
     * @param protocol    {@link #UDP} or {@link #TCP}.
     * @param source      where the message came from; null when not known yet (a TCP connection still connecting).
     * @param destination where it went; null when not known.
     * @param timeNs      {@link System#nanoTime()} when it was read or written.
     */
    void copy(int protocol, InetSocketAddress source, InetSocketAddress destination, DirectBuffer buffer, int offset,
        int length, long timeNs);

    /** Makes the taps of one node: one per thread that calls {@link #copy}. */
    @FunctionalInterface
    interface Source
    {
        /** Captures nothing. */
        Source NONE = () -> PacketTap.NONE;

        /** A tap for one thread; called before that thread starts. */
        PacketTap newTap();
    }
}
