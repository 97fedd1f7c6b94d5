package dev.referee.engine.media;

import dev.referee.sip.AsciiView;
import dev.referee.sip.sdp.SessionDescription;

/**
 * What one SDP body says about the party that sent it, per {@code m=} line, in the order of the lines: what the relay
 * needs to send to that party ({@code MediaCommands.peer}) and to time it out ({@code media.timeout} or, on hold,
 * {@code media.hold-timeout}). Filled by {@link SdpRewriter#read}; the addresses are views into the body read, valid
 * while that body is. Bounded by {@link SessionDescription#MAX_MEDIA}, the most lines a body may have. Engine thread
 * only.
 */
public final class PeerMedia
{
    /** {@link #clockRateHz} when neither an {@code a=rtpmap} nor the static table gives the first format's rate. */
    public static final int UNKNOWN_CLOCK_RATE = 0;

    private final AsciiView[] address = new AsciiView[SessionDescription.MAX_MEDIA];
    private final int[] rtpPort = new int[SessionDescription.MAX_MEDIA];
    private final int[] rtcpPort = new int[SessionDescription.MAX_MEDIA];
    private final boolean[] rtcpMux = new boolean[SessionDescription.MAX_MEDIA];
    private final int[] direction = new int[SessionDescription.MAX_MEDIA];
    private final int[] firstPayloadType = new int[SessionDescription.MAX_MEDIA];
    private final int[] clockRateHz = new int[SessionDescription.MAX_MEDIA];
    private final boolean[] relayable = new boolean[SessionDescription.MAX_MEDIA];
    private int count;

    PeerMedia()
    {
        for (int i = 0; i < address.length; i++)
        {
            address[i] = new AsciiView();
        }
    }

    /** The {@code m=} lines of the body read. */
    public int count()
    {
        return count;
    }

    /**
     * True when the relay can carry the line: an RTP transport (RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF), a port other
     * than 0 and a connection address. The others are rejected with port 0 whatever port is given for them.
     */
    public boolean relayable(final int index)
    {
        return relayable[index];
    }

    /** The connection address as written ({@code c=}, media level before session level); empty when none. */
    public AsciiView address(final int index)
    {
        return address[index];
    }

    /** The {@code m=} port: where the party receives RTP. */
    public int rtpPort(final int index)
    {
        return rtpPort[index];
    }

    /** Where the party receives RTCP: the port of {@code a=rtcp} (RFC 3605), else the RTP port + 1 (RFC 3550 §11). */
    public int rtcpPort(final int index)
    {
        return rtcpPort[index];
    }

    /** {@code a=rtcp-mux} (RFC 5761): the party sends and takes RTCP on its RTP port. */
    public boolean rtcpMux(final int index)
    {
        return rtcpMux[index];
    }

    /**
     * {@link SessionDescription#SENDRECV}, {@link SessionDescription#SENDONLY}, {@link SessionDescription#RECVONLY}
     * or {@link SessionDescription#INACTIVE}, media level before session level, {@code c=0.0.0.0} read as hold
     * (RFC 3264 §8.4): anything but SENDRECV puts the call on {@code media.hold-timeout}.
     */
    public int direction(final int index)
    {
        return direction[index];
    }

    /** True when the line is on hold in the sense of {@code media.hold-timeout}: anything but sendrecv. */
    public boolean onHold(final int index)
    {
        return direction[index] != SessionDescription.SENDRECV;
    }

    /** The RTP clock rate of the line's first format (its codec of choice), for the jitter figures; 0 when unknown. */
    /** The first payload type of line {@code index}'s m= line: the codec the peer prefers (answers use it). */
    public int firstPayloadType(final int index)
    {
        return firstPayloadType[index];
    }

    public int clockRateHz(final int index)
    {
        return clockRateHz[index];
    }

    void reset()
    {
        count = 0;
    }

    /** Adds a line; its clock rate from the static table until {@link #rtpmap} finds its first format mapped. */
    void add(final AsciiView connection, final int port, final int rtcp, final boolean mux, final int dir,
        final int payloadType, final boolean canRelay)
    {
        final int index = count++;
        if (connection.isEmpty())
        {
            address[index].reset();
        }
        else
        {
            address[index].wrap(connection);
        }
        rtpPort[index] = port;
        rtcpPort[index] = rtcp;
        rtcpMux[index] = mux;
        direction[index] = dir;
        firstPayloadType[index] = payloadType;
        clockRateHz[index] = staticClockRate(payloadType);
        relayable[index] = canRelay;
    }

    /** An {@code a=rtpmap:<payloadType> <encoding>/<rate>} of line {@code index}: it wins over the static table. */
    void rtpmap(final int index, final int payloadType, final int rateHz)
    {
        if (payloadType == firstPayloadType[index] && payloadType >= 0)
        {
            clockRateHz[index] = rateHz;
        }
    }

    /**
     * RFC 3551 §6's static payload types a phone offers first: PCMU (0), PCMA (8), G722 (9, whose RTP clock is 8000
     * although it samples at 16 kHz) and G729 (18).
     */
    private static int staticClockRate(final int payloadType)
    {
        switch (payloadType)
        {
            case 0:
            case 8:
            case 9:
            case 18:
                return 8_000;
            default:
                return UNKNOWN_CLOCK_RATE;
        }
    }
}
