package dev.referee.media;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * One leg's end of the relay: its local RTP port and the RTCP port after it on the relay's address, where its peer
 * is (from the SDP, then latched from the first packet), the endpoint it is linked to ({@link #far}: what the peer
 * sends goes out there) and what it received. Two linked endpoints are a media session; re-anchoring on a transfer
 * links the kept endpoint to another one.
 * <p>
 * Relay thread only.
 */
final class MediaEndpoint
{
    /** {@link #accept}: take the packet. */
    static final int ACCEPTED = 0;
    /** {@link #accept}: take it; it fixed the peer's address, to be reported. */
    static final int LATCHED = 1;
    /** {@link #accept}: drop it, it is not from the latched peer and the source must match. */
    static final int FOREIGN = 2;
    private static final long NOT_REPORTED = Long.MIN_VALUE;

    private final long id;
    private final int localRtpPort;
    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final boolean strictSource;
    private final RtpStats stats = new RtpStats(0);

    private InetSocketAddress peerRtp;
    private InetSocketAddress peerRtcp;
    private boolean rtpLatched;
    private boolean rtcpLatched;
    private boolean rtcpMux;
    private MediaEndpoint far;
    private long timeoutNs;
    private long lastActivityNs;
    /** The pair's last activity when idle was reported: reported once per silence, not every tick. */
    private long idleReportedForNs = NOT_REPORTED;
    private long dropped;
    /** Ringback plays to the peer (RingbackPlayer): nothing from the far side is forwarded to it meanwhile. */
    private boolean ringback;

    MediaEndpoint(final long id, final int localRtpPort, final DatagramChannel rtp, final DatagramChannel rtcp,
        final boolean strictSource, final long timeoutNs, final long nowNs)
    {
        this.id = id;
        this.localRtpPort = localRtpPort;
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.strictSource = strictSource;
        this.timeoutNs = timeoutNs;
        this.lastActivityNs = nowNs;
    }

    long id()
    {
        return id;
    }

    int localRtpPort()
    {
        return localRtpPort;
    }

    DatagramChannel rtp()
    {
        return rtp;
    }

    DatagramChannel rtcp()
    {
        return rtcp;
    }

    RtpStats stats()
    {
        return stats;
    }

    MediaEndpoint far()
    {
        return far;
    }

    void far(final MediaEndpoint far)
    {
        this.far = far;
        idleReportedForNs = NOT_REPORTED;
    }

    boolean rtcpMux()
    {
        return rtcpMux;
    }

    /** Where the peer receives RTP, null while unknown. */
    InetSocketAddress peerRtp()
    {
        return peerRtp;
    }

    /** Where the peer receives RTCP: its RTP address when muxed. */
    InetSocketAddress peerRtcp()
    {
        return rtcpMux ? peerRtp : peerRtcp;
    }

    /** The SDP's addresses (either may be null: unknown until latched); what was latched is forgotten. */
    void peer(final InetSocketAddress rtpAddress, final InetSocketAddress rtcpAddress, final boolean mux,
        final int clockRateHz)
    {
        peerRtp = rtpAddress;
        peerRtcp = rtcpAddress;
        rtcpMux = mux;
        rtpLatched = false;
        rtcpLatched = false;
        stats.clockRate(clockRateHz);
    }

    long timeoutNs()
    {
        return timeoutNs;
    }

    void timeoutNs(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        idleReportedForNs = NOT_REPORTED;
    }

    /**
     * Checks a packet's source: the first one on each component (RTP; RTCP when not muxed) latches the peer's real
     * address (NAT, RFC 4961 symmetric practice); later ones from elsewhere are dropped only under strict-source,
     * otherwise relayed without moving the latch.
     */
    int accept(final boolean rtcpSocket, final InetSocketAddress source)
    {
        if (rtcpSocket)
        {
            if (!rtcpLatched)
            {
                rtcpLatched = true;
                peerRtcp = source;
                return LATCHED;
            }
            return strictSource && !source.equals(peerRtcp) ? FOREIGN : ACCEPTED;
        }
        if (!rtpLatched)
        {
            rtpLatched = true;
            peerRtp = source;
            return LATCHED;
        }
        return strictSource && !source.equals(peerRtp) ? FOREIGN : ACCEPTED;
    }

    /** A packet came from the peer: the pair is not idle. */
    void active(final long nowNs)
    {
        lastActivityNs = nowNs;
    }

    long lastActivityNs()
    {
        return lastActivityNs;
    }

    /** Whether idle was reported already for the silence that began with the pair's last packet at this time. */
    boolean idleReportedFor(final long pairActivityNs)
    {
        return idleReportedForNs == pairActivityNs;
    }

    void idleReportedFor(final long pairActivityNs, final boolean reported)
    {
        idleReportedForNs = reported ? pairActivityNs : NOT_REPORTED;
    }

    boolean ringback()
    {
        return ringback;
    }

    void ringback(final boolean playing)
    {
        this.ringback = playing;
    }

    long dropped()
    {
        return dropped;
    }

    void drop()
    {
        dropped++;
    }
}
