package dev.referee.media;

/**
 * What one endpoint received from its peer: packets and bytes (RTP and RTCP), and for RTP the packets lost from the
 * sequence numbers (RFC 3550 A.1 and A.3) and the interarrival jitter (RFC 3550 A.8), with the times of the first
 * and last packet from the relay's clock. Relay thread only; nothing allocated per packet.
 * <p>
 * A new SSRC (the peer restarted its stream, or the far side was re-anchored to another phone) starts the sequence
 * and jitter over; the losses counted so far are kept.
 */
final class RtpStats
{
    /** RFC 3550 A.1: a forward jump smaller than this is packets lost, not a restarted sequence. */
    static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: a backward step smaller than this is a late packet. */
    static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;
    private static final long NULL_TIME = Long.MIN_VALUE;

    private int clockRateHz;
    private long packets;
    private long bytes;
    private long rtcpPackets;
    private long firstNs = NULL_TIME;
    private long lastNs = NULL_TIME;

    private boolean started;
    private int ssrc;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq = -1;
    private long received;
    private long lostBefore;

    private long jitterFirstNs;
    private boolean haveTransit;
    private int lastTransit;
    /** The jitter times 16, in RTP timestamp units, as A.8 keeps it to stay in integers. */
    private long jitterX16;

    /** {@code clockRateHz}: the RTP clock of the payload (8000 for G.711); 0 when unknown, then no jitter. */
    RtpStats(final int clockRateHz)
    {
        this.clockRateHz = clockRateHz;
    }

    /** The payload's RTP clock, known once the leg's codec is (0: unknown, no jitter); restarts the jitter. */
    void clockRate(final int clockRateHz)
    {
        if (clockRateHz != this.clockRateHz)
        {
            this.clockRateHz = clockRateHz;
            haveTransit = false;
            jitterX16 = 0;
        }
    }

    /** A packet from the peer that is not RTP (RTCP, or anything else it sends to the media ports). */
    void onOther(final int length, final long nowNs)
    {
        rtcpPackets++;
        count(length, nowNs);
    }

    /** An RTP packet from the peer, arrived at {@code nowNs}. */
    void onRtp(final int length, final int seq, final int rtpTimestamp, final int packetSsrc, final long nowNs)
    {
        count(length, nowNs);
        if (!started || packetSsrc != ssrc)
        {
            lostBefore += lostThisSource();
            start(seq, packetSsrc, nowNs);
        }
        else if (!updateSequence(seq))
        {
            return;
        }
        received++;
        updateJitter(rtpTimestamp, nowNs);
    }

    long packets()
    {
        return packets;
    }

    long bytes()
    {
        return bytes;
    }

    long rtcpPackets()
    {
        return rtcpPackets;
    }

    /** RTP packets expected from the sequence numbers and not received; never below 0 (duplicates). */
    long lost()
    {
        return lostBefore + lostThisSource();
    }

    /** Interarrival jitter in RTP timestamp units (RFC 3550 A.8). */
    long jitter()
    {
        return jitterX16 >> 4;
    }

    /** Relay clock time of the first packet, {@link Long#MIN_VALUE} before any. */
    long firstNs()
    {
        return firstNs;
    }

    /** Relay clock time of the last packet, {@link Long#MIN_VALUE} before any. */
    long lastNs()
    {
        return lastNs;
    }

    private void count(final int length, final long nowNs)
    {
        packets++;
        bytes += length;
        if (firstNs == NULL_TIME)
        {
            firstNs = nowNs;
        }
        lastNs = nowNs;
    }

    private void start(final int seq, final int packetSsrc, final long nowNs)
    {
        started = true;
        ssrc = packetSsrc;
        maxSeq = seq;
        cycles = 0;
        baseSeq = seq;
        badSeq = -1;
        received = 0;
        haveTransit = false;
        jitterX16 = 0;
        jitterFirstNs = nowNs;
    }

    /** RFC 3550 A.1 without the probation of a new source: false when the packet is not counted. */
    private boolean updateSequence(final int seq)
    {
        final int delta = (seq - maxSeq) & 0xFFFF;
        if (delta < MAX_DROPOUT)
        {
            if (seq < maxSeq)
            {
                cycles += SEQ_MOD;
            }
            maxSeq = seq;
        }
        else if (delta <= SEQ_MOD - MAX_MISORDER)
        {
            // A big jump: the sender restarted without a new SSRC if the next packet follows on, else a stray.
            if (seq != badSeq)
            {
                badSeq = (seq + 1) & 0xFFFF;
                return false;
            }
            lostBefore += lostThisSource();
            final long jitterKept = jitterX16;
            start(seq, ssrc, jitterFirstNs);
            jitterX16 = jitterKept;
        }
        // else: a late or duplicate packet, counted as received (A.3 lets lost go down for it).
        return true;
    }

    private void updateJitter(final int rtpTimestamp, final long nowNs)
    {
        if (clockRateHz <= 0)
        {
            return;
        }
        // Arrival in timestamp units, from a base of this source so the product cannot overflow (microseconds
        // first: years at 48 kHz).
        final long arrival = (nowNs - jitterFirstNs) / 1_000L * clockRateHz / 1_000_000L;
        final int transit = (int)arrival - rtpTimestamp;
        if (haveTransit)
        {
            final int d = Math.abs(transit - lastTransit);
            jitterX16 += d - ((jitterX16 + 8) >> 4);
        }
        lastTransit = transit;
        haveTransit = true;
    }

    private long lostThisSource()
    {
        if (!started)
        {
            return 0;
        }
        final long expected = cycles + maxSeq - baseSeq + 1;
        return Math.max(0, expected - received);
    }
}
