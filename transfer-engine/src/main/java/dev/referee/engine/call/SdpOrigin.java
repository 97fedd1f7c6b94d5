package dev.referee.engine.call;

import dev.referee.engine.id.IdGenerator;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.sdp.SessionDescription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes the SDP bodies Referee sends on a leg with Referee's own origin line (RFC 4566 §5.2), so that each peer sees
 * one session for the life of its dialog whoever is at the far end (RFC 3264 §8: the origin must not change within a
 * session, the version goes up by one when the description changes), a transfer included:
 * <pre>
 * o=- &lt;sess-id of the leg&gt; &lt;version&gt; IN IP4|IP6 &lt;Referee's address toward the leg&gt;
 * </pre>
 * The session id is derived from the leg id ({@link IdGenerator#sdpSessionId}); the version starts at 1 with the first
 * description sent on the leg and goes up by one whenever a description differs from the previous one sent there,
 * the o= line left out of the comparison (the far party may bump its own version for a description Referee presents
 * unchanged, or a transfer may bring a new far party with the same media). Only o= changes: c= and m= still say
 * where the far party's media goes while Referee does not anchor media. With the relay (issue 10) the engine first
 * gives the body to {@code dev.referee.engine.media.SdpRewriter} (c=, m= ports, a=rtcp, ICE) and then its output to
 * this class, so that the comparison is over what the leg sees: a transfer behind the relay keeps the leg's version.
 * <p>
 * Bodies that are not application/sdp (multipart ones included), do not parse as SDP, or would not fit the scratch
 * buffer once rewritten go as they came, and are counted ({@link #leftAsIs}). No allocation per message: one scratch
 * buffer, reused. Engine thread only.
 */
final class SdpOrigin
{
    /** Every body the engine can send fits: the Outbox writes whole messages into 64 KiB. */
    static final int MAX_BODY = 65_535;
    /** The longest o= line Referee writes: "o=- " + 19 + " " + 10 digits + " IN IP6 " + an IPv6 address (45) + CRLF. */
    private static final int MAX_ORIGIN_LINE = 96;
    static final String CONTENT_TYPE = "application/sdp";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private final IdGenerator ids;
    /** Referee's address in o= per transport and address family: [Transport.index][ipv6 ? 1 : 0], "IN IP4 a.b.c.d". */
    private final String[][] addresses;
    private final SessionDescription sdp = new SessionDescription();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_BODY + MAX_ORIGIN_LINE]);
    private long leftAsIs;

    /** {@code addresses}: "IN IP4 host" or "IN IP6 host", indexed [Transport.index][ipv6 ? 1 : 0]. */
    SdpOrigin(final IdGenerator ids, final String[][] addresses)
    {
        this.ids = ids;
        this.addresses = addresses;
    }

    /**
     * Ends {@code writer}'s message with {@code body} as sent on {@code leg}: an SDP body with the leg's origin line,
     * anything else as it is.
     */
    void endWithBody(final Leg leg, final CharSequence contentType, final DirectBuffer body, final int offset,
        final int length, final SipMessageWriter writer, final int transportIndex, final int family)
    {
        if (!isSdp(contentType))
        {
            writer.endWithBody(contentType, body, offset, length);
            return;
        }
        final int written = rewrite(leg, body, offset, length, addresses[transportIndex][family]);
        if (written < 0)
        {
            leftAsIs++;
            writer.endWithBody(contentType, body, offset, length);
            return;
        }
        writer.endWithBody(contentType, scratch, 0, written);
    }

    /**
     * Writes {@code body} into the scratch buffer with the leg's origin line and moves the leg's version on when the
     * description changed; the length written, or -1 when the body is left as it is (not SDP, too long).
     */
    int rewrite(final Leg leg, final DirectBuffer body, final int offset, final int length, final String address)
    {
        if (length > MAX_BODY || !sdp.wrap(body, offset, length))
        {
            return -1;
        }
        final int lineStart = sdp.originUsername().offset() - 2;
        final int end = offset + length;
        int lineEnd = sdp.originAddress().offset() + sdp.originAddress().length();
        while (lineEnd < end && body.getByte(lineEnd) != '\r' && body.getByte(lineEnd) != '\n')
        {
            lineEnd++;
        }
        final long wide = hash(body, lineEnd, end, hash(body, offset, lineStart, FNV_OFFSET));
        final int hash = (int)(wide ^ (wide >>> 32));
        if (leg.sdpVersion == 0 || hash != leg.sdpHash)
        {
            leg.sdpVersion++;
            leg.sdpHash = hash;
        }
        int at = 0;
        scratch.putBytes(at, body, offset, lineStart - offset);
        at += lineStart - offset;
        at += scratch.putStringWithoutLengthAscii(at, "o=- ");
        at += scratch.putLongAscii(at, ids.sdpSessionId(leg.id));
        scratch.putByte(at++, (byte)' ');
        at += scratch.putIntAscii(at, leg.sdpVersion);
        scratch.putByte(at++, (byte)' ');
        at += scratch.putStringWithoutLengthAscii(at, address);
        scratch.putBytes(at, body, lineEnd, end - lineEnd);
        return at + end - lineEnd;
    }

    /** Bodies sent as they came although their Content-Type said SDP: they did not parse, or were too long. */
    long leftAsIs()
    {
        return leftAsIs;
    }

    /** True for application/sdp, with or without parameters, any case. */
    static boolean isSdp(final CharSequence contentType)
    {
        if (contentType == null || contentType.length() < CONTENT_TYPE.length())
        {
            return false;
        }
        for (int i = 0; i < CONTENT_TYPE.length(); i++)
        {
            if (Character.toLowerCase(contentType.charAt(i)) != CONTENT_TYPE.charAt(i))
            {
                return false;
            }
        }
        // Parameters may follow (RFC 3261 §20.15), nothing else may.
        final int after = CONTENT_TYPE.length();
        return after == contentType.length() || contentType.charAt(after) == ';' || contentType.charAt(after) == ' ' ||
            contentType.charAt(after) == '\t';
    }

    /** FNV-1a over {@code [from, to)}, from {@code seed}: tells a changed description from a repeated one. */
    private static long hash(final DirectBuffer buffer, final int from, final int to, final long seed)
    {
        long h = seed;
        for (int i = from; i < to; i++)
        {
            h = (h ^ (buffer.getByte(i) & 0xFF)) * FNV_PRIME;
        }
        return h;
    }
}
