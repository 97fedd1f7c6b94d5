package dev.referee.ring;

/**
 * What one media endpoint received from its leg's peer over the endpoint's life, as the relay reported it when the
 * endpoint closed (issue 10): packets and bytes (RTP and RTCP), RTP packets lost from the sequence numbers (RFC 3550
 * A.3), interarrival jitter in RTP timestamp units (A.8), packets dropped, first and last packet times on the node's
 * monotonic clock ({@link #NULL_TIME} when none came). A mutable holder: ring slots and journal records reuse one.
 */
public final class MediaFigures
{
    /** {@link #firstPacketNs} and {@link #lastPacketNs} when no packet came. */
    public static final long NULL_TIME = Long.MIN_VALUE;

    public long packets;
    public long bytes;
    public long rtcpPackets;
    public long lost;
    public long jitter;
    public long dropped;
    public long firstPacketNs = NULL_TIME;
    public long lastPacketNs = NULL_TIME;

    public MediaFigures set(final long packets, final long bytes, final long rtcpPackets, final long lost,
        final long jitter, final long dropped, final long firstPacketNs, final long lastPacketNs)
    {
        this.packets = packets;
        this.bytes = bytes;
        this.rtcpPackets = rtcpPackets;
        this.lost = lost;
        this.jitter = jitter;
        this.dropped = dropped;
        this.firstPacketNs = firstPacketNs;
        this.lastPacketNs = lastPacketNs;
        return this;
    }

    public MediaFigures set(final MediaFigures other)
    {
        return set(other.packets, other.bytes, other.rtcpPackets, other.lost, other.jitter, other.dropped,
            other.firstPacketNs, other.lastPacketNs);
    }

    public MediaFigures clear()
    {
        return set(0, 0, 0, 0, 0, 0, NULL_TIME, NULL_TIME);
    }

    /**
     * Adds another m= line's figures of the same leg: counts add up, the jitter is the worst line's, the first packet
     * the earliest and the last the latest.
     */
    public MediaFigures add(final MediaFigures other)
    {
        packets += other.packets;
        bytes += other.bytes;
        rtcpPackets += other.rtcpPackets;
        lost += other.lost;
        jitter = Math.max(jitter, other.jitter);
        dropped += other.dropped;
        if (other.firstPacketNs != NULL_TIME && (firstPacketNs == NULL_TIME || other.firstPacketNs < firstPacketNs))
        {
            firstPacketNs = other.firstPacketNs;
        }
        if (other.lastPacketNs != NULL_TIME && (lastPacketNs == NULL_TIME || other.lastPacketNs > lastPacketNs))
        {
            lastPacketNs = other.lastPacketNs;
        }
        return this;
    }

    @Override
    public String toString()
    {
        return "packets " + packets + " bytes " + bytes + " rtcp " + rtcpPackets + " lost " + lost + " jitter " +
            jitter + " dropped " + dropped;
    }
}
