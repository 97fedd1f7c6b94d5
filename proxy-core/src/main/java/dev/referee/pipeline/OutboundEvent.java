package dev.referee.pipeline;

import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/** A preallocated slot of the outbound ring: one encoded SIP message and where it goes. */
public final class OutboundEvent
{
    public int transport;
    public InetSocketAddress destination;
    /** TCP connection to send on when still open; 0 to pick or open one toward {@link #destination}. */
    public long connectionId;
    public final UnsafeBuffer data = new UnsafeBuffer(new byte[InboundEvent.MAX_MESSAGE_LENGTH]);
    public int length;
}
