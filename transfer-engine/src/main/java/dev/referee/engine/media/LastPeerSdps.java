package dev.referee.engine.media;

import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The last SDP each leg's peer sent, offer or answer (issue 10, the target's early media): when a transfer calls its
 * target for a transferee, the INVITE offers the transferee's media as a fresh offer ({@link #freshOffer}), so that
 * the target's 183 with SDP is an answer the relay can use at once. Bounded: one body per leg of at most
 * {@link SdpRewriter#MAX_BODY}, gone with the leg. Engine thread only.
 */
final class LastPeerSdps
{
    private static final byte[] SENDONLY = ascii("a=sendonly");
    private static final byte[] RECVONLY = ascii("a=recvonly");
    private static final byte[] INACTIVE = ascii("a=inactive");
    private static final byte[] CONNECTION = ascii("c=");
    private static final byte[] HOLD_ADDRESS = ascii(" 0.0.0.0");

    private final Long2ObjectHashMap<byte[]> sdps = new Long2ObjectHashMap<>();
    private final UnsafeBuffer output = new UnsafeBuffer(new byte[SdpRewriter.MAX_BODY]);
    /** Written for a {@code c=} line that says hold: the relay's own, which the rewrite toward the leg keeps. */
    private final byte[] connectionLine;

    LastPeerSdps(final InetAddress sdpAddress)
    {
        connectionLine = SdpRewriter.connectionLine(sdpAddress);
    }

    /** Leg {@code legId}'s peer sent {@code body} (an SDP that parsed): it replaces the one kept. */
    void store(final long legId, final DirectBuffer body, final int offset, final int length)
    {
        if (length > SdpRewriter.MAX_BODY)
        {
            return;
        }
        byte[] kept = sdps.get(legId);
        if (kept == null || kept.length != length)
        {
            kept = new byte[length];
            sdps.put(legId, kept);
        }
        body.getBytes(offset, kept);
    }

    void forget(final long legId)
    {
        sdps.remove(legId);
    }

    /**
     * Leg {@code legId}'s peer's last SDP as a new offer into {@link #output}: sendrecv and not on hold, whatever the
     * peer last said (a transferee is usually on hold when its transferor REFERs: offering that hold would leave the
     * target's media one-way for the life of the call, its ACK carrying no new answer). Direction attributes go
     * (sendrecv is the default, RFC 3264 §5.1) and a {@code c=} of 0.0.0.0 names the relay; everything else is as
     * the peer sent it, its codecs included. The length written, or -1 when the leg's peer sent no SDP (or the offer
     * would not fit a message).
     */
    int freshOffer(final long legId)
    {
        final byte[] sdp = sdps.get(legId);
        if (sdp == null)
        {
            return -1;
        }
        int at = 0;
        int line = 0;
        while (line < sdp.length)
        {
            int lf = line;
            while (lf < sdp.length && sdp[lf] != '\n')
            {
                lf++;
            }
            final int next = Math.min(lf + 1, sdp.length);
            final int end = lf > line && sdp[lf - 1] == '\r' ? lf - 1 : lf;
            if (is(sdp, line, end, SENDONLY) || is(sdp, line, end, RECVONLY) || is(sdp, line, end, INACTIVE))
            {
                line = next;
                continue;
            }
            final boolean hold = startsWith(sdp, line, end, CONNECTION) && endsWith(sdp, line, end, HOLD_ADDRESS);
            if (at + (hold ? connectionLine.length : 0) + next - line > output.capacity())
            {
                return -1; // longer than a message holds (many held c= lines): offered without, as before
            }
            if (hold)
            {
                output.putBytes(at, connectionLine);
                at += connectionLine.length;
                output.putBytes(at, sdp, end, next - end);
                at += next - end;
            }
            else
            {
                output.putBytes(at, sdp, line, next - line);
                at += next - line;
            }
            line = next;
        }
        return at;
    }

    /** What {@link #freshOffer} wrote, from index 0. */
    DirectBuffer output()
    {
        return output;
    }

    /** Node-start version 9 on: each leg's kept SDP, by leg id ascending (two equal engines write equal bytes). */
    void write(final SnapshotWriter out)
    {
        final long[] ids = sdps.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        out.writeInt(ids.length);
        for (final long legId : ids)
        {
            out.writeLong(legId);
            out.writeBytes(sdps.get(legId));
        }
    }

    void read(final SnapshotReader in)
    {
        final int count = in.readInt();
        for (int i = 0; i < count; i++)
        {
            final long legId = in.readLong();
            sdps.put(legId, in.readBytes());
        }
    }

    int size()
    {
        return sdps.size();
    }

    private static boolean is(final byte[] sdp, final int from, final int to, final byte[] text)
    {
        return to - from == text.length && Arrays.equals(sdp, from, to, text, 0, text.length);
    }

    private static boolean startsWith(final byte[] sdp, final int from, final int to, final byte[] text)
    {
        return to - from >= text.length && Arrays.equals(sdp, from, from + text.length, text, 0, text.length);
    }

    private static boolean endsWith(final byte[] sdp, final int from, final int to, final byte[] text)
    {
        return to - from >= text.length && Arrays.equals(sdp, to - text.length, to, text, 0, text.length);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
