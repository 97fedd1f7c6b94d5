package dev.referee.engine.media;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The SDP part of a {@code multipart/mixed} body (RFC 2046 §5.1), as SIP-I and SIP-T trunks send it: SDP beside an
 * ISUP message (RFC 3204). {@link #find} locates the first part whose Content-Type is {@code application/sdp};
 * {@link #splice} writes the body again with that part's content replaced, every other byte (boundaries, the other
 * parts, their headers) as it came. A flyweight for the engine thread: nothing is allocated per message once the
 * splice buffer has grown to the largest body.
 */
public final class SdpPart
{
    private static final String MULTIPART = "multipart/";
    private static final String BOUNDARY = "boundary=";
    private static final String SDP = "application/sdp";
    private static final String CONTENT_TYPE = "content-type:";
    /** RFC 2046 §5.1.1: a boundary is 1 to 70 characters. */
    private static final int MAX_BOUNDARY = 70;

    private final byte[] boundary = new byte[MAX_BOUNDARY];
    private final ExpandableArrayBuffer spliced = new ExpandableArrayBuffer(4096);
    private int boundaryLength;
    private int sdpOffset;
    private int sdpLength;

    /**
     * True when {@code contentType} is multipart with a boundary and {@code body} has a part of type application/sdp:
     * its content is then at {@link #offset()} for {@link #length()} bytes (in {@code body}'s coordinates).
     */
    public boolean find(final CharSequence contentType, final DirectBuffer body, final int offset, final int length)
    {
        if (!boundaryOf(contentType))
        {
            return false;
        }
        final int end = offset + length;
        int delimiter = delimiterAt(body, offset, end, true);
        while (delimiter >= 0)
        {
            final int lineEnd = lineEnd(body, delimiter, end);
            if (lineEnd < 0 || isClose(body, delimiter, end))
            {
                return false;
            }
            final int partStart = lineEnd + 2;
            final int headersEnd = headersEnd(body, partStart, end);
            if (headersEnd < 0)
            {
                return false;
            }
            final int contentStart = headersEnd + 4;
            final int next = delimiterAt(body, contentStart, end, false);
            if (next < 0)
            {
                return false;
            }
            // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
            final int contentEnd = next >= contentStart + 2 ? next - 2 : contentStart;
            if (isSdpPart(body, partStart, headersEnd))
            {
                sdpOffset = contentStart;
                sdpLength = contentEnd - contentStart;
                return true;
            }
            delimiter = next;
        }
        return false;
    }

    /** Where the SDP part's content starts in the body {@link #find} was given. */
    public int offset()
    {
        return sdpOffset;
    }

    public int length()
    {
        return sdpLength;
    }

    /**
     * The body {@link #find} was given, with its SDP part's content replaced by {@code sdp} ({@code sdpLength} bytes
     * from 0), into {@link #output()}; returns the length written.
     */
    public int splice(final DirectBuffer body, final int offset, final int length, final DirectBuffer sdp,
        final int newSdpLength)
    {
        final int before = sdpOffset - offset;
        final int after = offset + length - (sdpOffset + sdpLength);
        spliced.putBytes(0, body, offset, before);
        spliced.putBytes(before, sdp, 0, newSdpLength);
        spliced.putBytes(before + newSdpLength, body, sdpOffset + sdpLength, after);
        return before + newSdpLength + after;
    }

    /** What {@link #splice} wrote, from index 0. */
    public DirectBuffer output()
    {
        return spliced;
    }

    private boolean boundaryOf(final CharSequence contentType)
    {
        if (contentType == null || !startsWithIgnoreCase(contentType, 0, MULTIPART))
        {
            return false;
        }
        final int at = indexOfIgnoreCase(contentType, BOUNDARY);
        if (at < 0)
        {
            return false;
        }
        int i = at + BOUNDARY.length();
        final boolean quoted = i < contentType.length() && contentType.charAt(i) == '"';
        i += quoted ? 1 : 0;
        boundaryLength = 0;
        while (i < contentType.length() && boundaryLength < MAX_BOUNDARY)
        {
            final char c = contentType.charAt(i++);
            if (quoted ? c == '"' : c == ';' || c == ' ' || c == '\t')
            {
                break;
            }
            boundary[boundaryLength++] = (byte)c;
        }
        return boundaryLength > 0;
    }

    /**
     * The index of the next "--boundary" that starts a line at or after {@code from} (at {@code from} itself only when
     * {@code first}: the body may open with it), or -1.
     */
    private int delimiterAt(final DirectBuffer body, final int from, final int end, final boolean first)
    {
        for (int i = from; i + 2 + boundaryLength <= end; i++)
        {
            final boolean lineStart = i == from ? first || i >= 2 && body.getByte(i - 1) == '\n' :
                body.getByte(i - 1) == '\n';
            if (lineStart && body.getByte(i) == '-' && body.getByte(i + 1) == '-' && matchesBoundary(body, i + 2))
            {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesBoundary(final DirectBuffer body, final int at)
    {
        for (int k = 0; k < boundaryLength; k++)
        {
            if (body.getByte(at + k) != boundary[k])
            {
                return false;
            }
        }
        return true;
    }

    private boolean isClose(final DirectBuffer body, final int delimiter, final int end)
    {
        final int after = delimiter + 2 + boundaryLength;
        return after + 1 < end && body.getByte(after) == '-' && body.getByte(after + 1) == '-';
    }

    /** The index of the CR of the CRLF ending the line at {@code from}, or -1. */
    private static int lineEnd(final DirectBuffer body, final int from, final int end)
    {
        for (int i = from; i + 1 < end; i++)
        {
            if (body.getByte(i) == '\r' && body.getByte(i + 1) == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    /** The index of the CRLFCRLF ending a part's headers, or -1; a part with no headers starts with CRLF. */
    private static int headersEnd(final DirectBuffer body, final int from, final int end)
    {
        if (from + 1 < end && body.getByte(from) == '\r' && body.getByte(from + 1) == '\n')
        {
            return from - 2;
        }
        for (int i = from; i + 3 < end; i++)
        {
            if (body.getByte(i) == '\r' && body.getByte(i + 1) == '\n' && body.getByte(i + 2) == '\r' &&
                body.getByte(i + 3) == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    /** A part whose Content-Type header (any case, any spacing after the colon) says application/sdp. */
    private static boolean isSdpPart(final DirectBuffer body, final int from, final int headersEnd)
    {
        int line = from;
        while (line < headersEnd)
        {
            int next = lineEnd(body, line, headersEnd + 2);
            next = next < 0 ? headersEnd : next;
            if (regionStartsWith(body, line, next, CONTENT_TYPE))
            {
                int value = line + CONTENT_TYPE.length();
                while (value < next && (body.getByte(value) == ' ' || body.getByte(value) == '\t'))
                {
                    value++;
                }
                return regionStartsWith(body, value, next, SDP);
            }
            line = next + 2;
        }
        return false;
    }

    private static boolean regionStartsWith(final DirectBuffer body, final int from, final int end, final String text)
    {
        if (end - from < text.length())
        {
            return false;
        }
        for (int k = 0; k < text.length(); k++)
        {
            if (Character.toLowerCase((char)body.getByte(from + k)) != text.charAt(k))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(final CharSequence text, final int from, final String prefix)
    {
        if (text.length() - from < prefix.length())
        {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++)
        {
            if (Character.toLowerCase(text.charAt(from + k)) != prefix.charAt(k))
            {
                return false;
            }
        }
        return true;
    }

    private static int indexOfIgnoreCase(final CharSequence text, final String lowerNeedle)
    {
        for (int i = 0; i + lowerNeedle.length() <= text.length(); i++)
        {
            if (startsWithIgnoreCase(text, i, lowerNeedle))
            {
                return i;
            }
        }
        return -1;
    }
}
