package dev.referee.media;

import org.agrona.DirectBuffer;

/**
 * One endpoint's figures as a report carries them: what its peer sent to the relay. A flyweight that
 * {@link MediaReports} fills again for every report: copy what is needed before the listener returns.
 */
public final class EndpointStats
{
    /** {@link #firstPacketNs()} and {@link #lastPacketNs()} before the first packet. */
    public static final long NULL_TIME = Long.MIN_VALUE;

    private DirectBuffer buffer;
    private int offset;

    EndpointStats wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Packets received from the peer, RTP and RTCP. */
    public long packets()
    {
        return buffer.getLong(offset + Wire.STATS_PACKETS);
    }

    /** Bytes of UDP payload received from the peer. */
    public long bytes()
    {
        return buffer.getLong(offset + Wire.STATS_BYTES);
    }

    /** Of the packets, the ones that were not RTP (RTCP). */
    public long rtcpPackets()
    {
        return buffer.getLong(offset + Wire.STATS_RTCP);
    }

    /** RTP packets lost, from the sequence numbers (RFC 3550 A.3). */
    public long lost()
    {
        return buffer.getLong(offset + Wire.STATS_LOST);
    }

    /** Interarrival jitter in RTP timestamp units (RFC 3550 A.8). */
    public long jitter()
    {
        return buffer.getLong(offset + Wire.STATS_JITTER);
    }

    public long firstPacketNs()
    {
        return buffer.getLong(offset + Wire.STATS_FIRST);
    }

    public long lastPacketNs()
    {
        return buffer.getLong(offset + Wire.STATS_LAST);
    }

    /** Packets received and not relayed: foreign source under strict-source, no far side, far peer unknown. */
    public long dropped()
    {
        return buffer.getLong(offset + Wire.STATS_DROPPED);
    }

    /** Relay clock time of the report. */
    public long timeNs()
    {
        return buffer.getLong(offset + Wire.STATS_TIME);
    }

    @Override
    public String toString()
    {
        return "packets=" + packets() + " bytes=" + bytes() + " rtcp=" + rtcpPackets() + " lost=" + lost() +
            " jitter=" + jitter() + " dropped=" + dropped();
    }
}
