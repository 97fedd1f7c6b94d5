package dev.referee.ring;

import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * A preallocated slot of the inbound ring. Everything the engine reacts to arrives as one of these, stamped
 * with its receive time before it is published (the engine never reads a clock).
 */
public final class InboundEvent
{
    /** A SIP message received from the network: {@link #data} holds its bytes. */
    public static final int SIP = 1;
    /** A clock tick that keeps engine time moving when no traffic arrives. */
    public static final int TICK = 2;
    /**
     * A transfer webhook's answer: {@link #webhookRequestId}, {@link #webhookAccept}, and in {@link #data} the new
     * target URI (empty when the REFER's target stands).
     */
    public static final int WEBHOOK = 3;
    /**
     * A received message the receive thread already dealt with (shed with a 503, or absorbed as a retransmission of a
     * request still queued): the slot had been claimed, so it is published, and the engine passes over it.
     */
    public static final int SKIP = 4;
    /**
     * A reload: {@link #settings} holds the configuration the engine takes from this input on (journaled like any
     * input, so that replay and recovery take it at the same point).
     */
    public static final int CONFIG = 5;
    /**
     * A connection Referee opened could not carry its messages (refused, reset, unreachable, TLS handshake failed):
     * {@link #transport} and {@link #source} name the destination, {@link #connectionId} the connection. RFC 3261
     * §8.1.3.1: the requests waiting on it have failed, as if answered 503, so a route's next target is tried at once.
     */
    public static final int TRANSPORT_FAILURE = 6;
    /**
     * The media relay found a linked pair of endpoints silent for their timeout (media.timeout, media.hold-timeout):
     * {@link #mediaEndpoint} names one of them. The engine ends the call with cause media-timeout.
     */
    public static final int MEDIA_IDLE = 7;
    /**
     * The media relay closed endpoint {@link #mediaEndpoint} (its leg ended): {@link #mediaFigures} holds what it
     * received over its life. The engine hands them to the call records; the journal keeps them.
     */
    public static final int MEDIA_STATS = 8;
    /**
     * The media relay could not open endpoint {@link #mediaEndpoint} on RTP port {@link #mediaPort}
     * ({@link #mediaFailure}: the relay's reason, 0 when the port could not be bound). The engine fails the call of its
     * leg and, for a port another process holds, takes that pair out of the pool.
     */
    public static final int MEDIA_OPEN_FAILED = 9;

    /** Largest datagram or framed stream message accepted. */
    public static final int MAX_MESSAGE_LENGTH = 65_535;

    public int type;
    /** Receive time, nanoseconds on the node's monotonic clock. */
    public long timeNs;
    /** {@link dev.referee.transport.Transport} id. */
    public int transport;
    public InetSocketAddress source;
    /** The local listening address the message arrived on. */
    public InetSocketAddress local;
    /** TCP connection the message arrived on; 0 for UDP. */
    public long connectionId;
    /**
     * Index in {@code trunks} of the trunk the source address selected, or {@link #NO_TRUNK}; stamped by the receive
     * thread's border check. Not journaled: replay sees {@link #NO_TRUNK}, so engine code that acts on it must
     * classify the journaled source again with the journal's trunks (or the journal must record it first).
     */
    public int trunk = NO_TRUNK;

    /** {@link #trunk} of a source in no trunk, and of inputs that have no source. */
    public static final int NO_TRUNK = -1;

    /**
     * Slots start small, because most SIP messages are well under 4 KiB and a ring of 64 KiB slots would take a
     * gigabyte. A slot grows when a larger message lands in it and keeps up to {@link #KEPT_CAPACITY} for the next;
     * a slot grown past that goes back to this size when a small message reuses it, so that a burst of large
     * messages (anyone can send 64 KiB datagrams) does not leave the heap holding a gigabyte of slots for good.
     */
    public static final int INITIAL_CAPACITY = 4096;
    /** What a slot keeps of its growth: 16 KiB covers the large INVITEs real peers send (many codecs, ICE, SIPREC). */
    public static final int KEPT_CAPACITY = 16_384;

    public final UnsafeBuffer data = new UnsafeBuffer(new byte[INITIAL_CAPACITY]);
    public int length;

    /** {@link #MEDIA_IDLE}, {@link #MEDIA_STATS}: the relay's id of the endpoint (the engine's: a leg and one of its m= lines). */
    public long mediaEndpoint;
    /** {@link #MEDIA_OPEN_FAILED}: the endpoint's RTP port and why it was not opened. */
    public int mediaPort;
    public int mediaFailure;
    /** {@link #MEDIA_STATS}: the endpoint's figures. */
    public final MediaFigures mediaFigures = new MediaFigures();

    /** {@link #WEBHOOK}: the request the answer is for, and whether the transfer is accepted. */
    public long webhookRequestId;
    public boolean webhookAccept;

    /**
     * {@link #CONFIG}: the engine's configuration (typed by the engine module, which this one does not know). The
     * engine clears it once taken, so the ring does not keep a replaced configuration alive.
     */
    public Object settings;

    /** Filled by the parse stage. */
    public final SipMessage message = new SipMessage();
    /** True when {@link #message} parsed; false leaves the failure reason in it. */
    public boolean parsed;

    /**
     * Makes {@link #data} hold at least {@code length} bytes (at most {@link #MAX_MESSAGE_LENGTH}), or gives back a
     * growth past {@link #KEPT_CAPACITY} when {@code length} is small again.
     */
    public void ensureCapacity(final int length)
    {
        grow(data, length);
    }

    static void grow(final UnsafeBuffer buffer, final int length)
    {
        if (buffer.capacity() < length)
        {
            buffer.wrap(new byte[Math.min(MAX_MESSAGE_LENGTH, Math.max(length, 2 * buffer.capacity()))]);
        }
        else if (buffer.capacity() > KEPT_CAPACITY && length <= INITIAL_CAPACITY)
        {
            buffer.wrap(new byte[INITIAL_CAPACITY]);
        }
    }

    public void clear()
    {
        type = 0;
        source = null;
        local = null;
        connectionId = 0;
        mediaEndpoint = 0;
        mediaPort = 0;
        mediaFailure = 0;
        trunk = NO_TRUNK;
        length = 0;
        parsed = false;
        settings = null;
    }
}
