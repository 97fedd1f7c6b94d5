package dev.referee.media;

import org.agrona.MutableDirectBuffer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The byte layout of the commands (engine to relay) and reports (relay to engine) in their rings: one fixed-size
 * message per type, the type as the ring's message type id, little-endian fields at the offsets below. Encoded in
 * place in a claimed slot and decoded in place, so neither thread allocates for a message (except the
 * {@link InetAddress} a peer address decodes to, once per command). Both ends are in this module: no versioning.
 */
final class Wire
{
    /** Endpoint id meaning "none" (a link to nothing: unlink). */
    static final long NULL_ENDPOINT = -1;

    static final int OPEN = 1;
    static final int PEER = 2;
    static final int TIMEOUT = 3;
    static final int LINK = 4;
    static final int STATS = 5;
    static final int CLOSE = 6;
    static final int RINGBACK = 7;

    static final int OPENED = 101;
    static final int OPEN_FAILED = 102;
    static final int LATCHED = 103;
    static final int IDLE = 104;
    static final int STATS_REPORT = 105;
    static final int CLOSED = 106;
    static final int REFUSED = 107;

    // Every message starts with the endpoint id.
    static final int ENDPOINT = 0;

    // OPEN
    static final int OPEN_PORT = 8;
    static final int OPEN_FLAGS = 12;
    static final int OPEN_TIMEOUT = 16;
    static final int OPEN_LENGTH = 24;
    static final int FLAG_STRICT_SOURCE = 1;

    // PEER
    static final int PEER_RTP_PORT = 8;
    static final int PEER_RTCP_PORT = 12;
    static final int PEER_CLOCK_RATE = 16;
    static final int PEER_FLAGS = 20;
    static final int PEER_ADDRESS = 24;
    static final int PEER_LENGTH = PEER_ADDRESS + 20;
    static final int FLAG_RTCP_MUX = 1;

    // TIMEOUT
    static final int TIMEOUT_NS = 8;
    static final int TIMEOUT_LENGTH = 16;

    // LINK
    static final int LINK_OTHER = 8;
    static final int LINK_LENGTH = 16;

    // RINGBACK: the G.711 payload type to play, or NO_RINGBACK to stop
    static final int RINGBACK_PAYLOAD_TYPE = 8;
    static final int RINGBACK_LENGTH = 12;
    static final int NO_RINGBACK = -1;

    // STATS, CLOSE
    static final int ID_LENGTH = 8;

    // OPENED, OPEN_FAILED
    static final int OPENED_PORT = 8;
    static final int OPENED_REASON = 12;
    static final int OPENED_LENGTH = 16;

    // LATCHED
    static final int LATCHED_RTCP = 8;
    static final int LATCHED_PORT = 12;
    static final int LATCHED_TIME = 16;
    static final int LATCHED_ADDRESS = 24;
    static final int LATCHED_LENGTH = LATCHED_ADDRESS + 20;

    // IDLE
    static final int IDLE_FAR = 8;
    static final int IDLE_LAST = 16;
    static final int IDLE_TIME = 24;
    static final int IDLE_LENGTH = 32;

    // STATS_REPORT, CLOSED
    static final int STATS_PACKETS = 8;
    static final int STATS_BYTES = 16;
    static final int STATS_RTCP = 24;
    static final int STATS_LOST = 32;
    static final int STATS_JITTER = 40;
    static final int STATS_FIRST = 48;
    static final int STATS_LAST = 56;
    static final int STATS_DROPPED = 64;
    static final int STATS_TIME = 72;
    static final int STATS_LENGTH = 80;

    // REFUSED
    static final int REFUSED_COMMAND = 8;
    static final int REFUSED_LENGTH = 12;

    private Wire()
    {
    }

    /** An address as a length (0 for none, 4 or 16) and up to 16 bytes at {@code offset}. */
    static void putAddress(final MutableDirectBuffer buffer, final int offset, final InetAddress address)
    {
        if (address == null)
        {
            buffer.putInt(offset, 0);
            return;
        }
        final byte[] bytes = address.getAddress();
        buffer.putInt(offset, bytes.length);
        buffer.putBytes(offset + 4, bytes);
    }

    /** The address {@link #putAddress} wrote, or null for none. */
    static InetAddress getAddress(final org.agrona.DirectBuffer buffer, final int offset)
    {
        final int length = buffer.getInt(offset);
        if (length != 4 && length != 16)
        {
            return null;
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset + 4, bytes);
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("4 or 16 bytes are an address", ex);
        }
    }
}
