package dev.referee.engine.media;

import dev.referee.sip.AsciiView;

import java.net.InetAddress;
import java.util.Arrays;

/** One leg's endpoints: per line, its RTP port (0: none), the endpoint it is linked to, its peer. */
final class LegMedia
{
    final int[] rtpPort = new int[MediaAnchor.MAX_LINES];
    final long[] linkedTo = new long[MediaAnchor.MAX_LINES];
    final InetAddress[] peerAddress = new InetAddress[MediaAnchor.MAX_LINES];
    final int[] peerPort = new int[MediaAnchor.MAX_LINES];
    final int[] peerRtcpPort = new int[MediaAnchor.MAX_LINES];
    final int[] peerClockRateHz = new int[MediaAnchor.MAX_LINES];
    /** The first payload type of the peer's last SDP per line: the codec ringback is played in (G.711 only). */
    final int[] peerPayloadType = new int[MediaAnchor.MAX_LINES];
    /** Per line: ringback plays to the peer (a transferee while its transfer's target rings). */
    final boolean[] ringback = new boolean[MediaAnchor.MAX_LINES];
    final boolean[] peerMux = new boolean[MediaAnchor.MAX_LINES];
    /** The rtcp-mux the relay was told for the line: the peer's, agreed with the other leg's (agreedMux). */
    final boolean[] toldMux = new boolean[MediaAnchor.MAX_LINES];
    final byte[][] peerAddressText = new byte[MediaAnchor.MAX_LINES][];
    /** Per line: the peer's last SDP put it on hold (sendonly, recvonly, inactive, c=0.0.0.0). */
    final boolean[] onHold = new boolean[MediaAnchor.MAX_LINES];
    /** The leg's dialog is established: its endpoints time out. */
    boolean answered;
    /** Linked to a transfer's target before the join ({@link MediaAnchor#linkEarly}): SDP on its own dialog keeps that link. */
    boolean earlyLinked;

    LegMedia()
    {
        Arrays.fill(linkedTo, MediaAnchor.NONE);
    }

    /** Records where line {@code line}'s peer receives: true when it differs from what was recorded. */
    boolean peerChanged(final int line, final AsciiView address, final int port, final int rtcpPort,
        final boolean mux, final int clockRateHz)
    {
        final byte[] before = peerAddressText[line];
        if (before != null && port == peerPort[line] && rtcpPort == peerRtcpPort[line] && mux == peerMux[line] &&
            sameText(before, address))
        {
            return false;
        }
        final byte[] text = new byte[address.length()];
        for (int i = 0; i < text.length; i++)
        {
            text[i] = (byte)address.charAt(i);
        }
        peerAddressText[line] = text;
        peerAddress[line] = MediaAnchor.ipLiteral(address);
        peerPort[line] = port;
        peerRtcpPort[line] = rtcpPort;
        peerMux[line] = mux;
        peerClockRateHz[line] = clockRateHz;
        return true;
    }

    private static boolean sameText(final byte[] text, final AsciiView address)
    {
        if (text.length != address.length())
        {
            return false;
        }
        for (int i = 0; i < text.length; i++)
        {
            if (text[i] != address.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
