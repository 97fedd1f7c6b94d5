package dev.referee.media;

import java.nio.ByteBuffer;

/**
 * Reads the few RTP (RFC 3550 §5.1) and RTCP fields the relay needs, in place in the receive buffer (absolute
 * gets: nothing is copied or allocated). The relay never changes a packet: SSRC, sequence number and timestamp go
 * out as they came.
 */
final class RtpHeader
{
    /** RTP's fixed header; shorter packets are forwarded but not counted as RTP. */
    static final int RTP_HEADER_LENGTH = 12;
    private static final int VERSION = 2;

    private RtpHeader()
    {
    }

    /** Version 2 and long enough for the fixed header. */
    static boolean isRtp(final ByteBuffer packet, final int length)
    {
        return length >= RTP_HEADER_LENGTH && version(packet) == VERSION && !isRtcp(packet, length);
    }

    /**
     * RTCP rather than RTP on a port that carries both (RFC 5761 §4): RTCP packet types 192..223 fall where RTP
     * would have the marker bit set and payload type 64..95, which RTP avoids for this reason.
     */
    static boolean isRtcp(final ByteBuffer packet, final int length)
    {
        if (length < 8 || version(packet) != VERSION)
        {
            return false;
        }
        final int type = packet.get(1) & 0xFF;
        return type >= 192 && type <= 223;
    }

    static int sequence(final ByteBuffer packet)
    {
        return packet.getShort(2) & 0xFFFF;
    }

    static int timestamp(final ByteBuffer packet)
    {
        return packet.getInt(4);
    }

    static int ssrc(final ByteBuffer packet)
    {
        return packet.getInt(8);
    }

    private static int version(final ByteBuffer packet)
    {
        return (packet.get(0) & 0xFF) >>> 6;
    }
}
