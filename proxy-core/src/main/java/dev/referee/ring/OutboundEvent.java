package dev.referee.ring;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/** A preallocated slot of the outbound ring: one encoded SIP message and where it goes. */
public final class OutboundEvent
{
    /**
     * Engine time of the input whose handling produced this message (not the send time): it ties an output to its
     * cause in the journal and costs nothing to take.
     */
    public long timeNs;
    public int transport;
    public InetSocketAddress destination;
    /** TCP connection to send on when still open; 0 to pick or open one toward {@link #destination}. */
    public long connectionId;
    /** Starts at {@link InboundEvent#INITIAL_CAPACITY} and grows like an inbound slot. */
    public final UnsafeBuffer data = new UnsafeBuffer(new byte[InboundEvent.INITIAL_CAPACITY]);
    public int length;

    /** Makes {@link #data} hold at least {@code length} bytes (at most {@link InboundEvent#MAX_MESSAGE_LENGTH}). */
    public void ensureCapacity(final int length)
    {
        InboundEvent.grow(data, length);
    }
}
