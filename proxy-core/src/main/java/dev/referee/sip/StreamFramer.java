package dev.referee.sip;

import org.agrona.DirectBuffer;

/** Finds message boundaries in a TCP byte stream by Content-Length (RFC 3261 §18.3). */
public final class StreamFramer
{
    /** More bytes are needed before a whole message is there. */
    public static final int INCOMPLETE = 0;
    /** The stream cannot be framed (no or bad Content-Length, header section too large): close the connection. */
    public static final int MALFORMED = -1;

    private StreamFramer()
    {
    }

    /** Number of leading CR/LF bytes (keep-alives, RFC 5626 §3.5.1) to skip before a message. */
    public static int leadingLineBreaks(final DirectBuffer buffer, final int offset, final int length)
    {
        int i = 0;
        while (i < length)
        {
            final byte b = buffer.getByte(offset + i);
            if (b != SipChars.CR && b != SipChars.LF)
            {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * The length of the complete message starting at {@code offset} (headers plus Content-Length bytes of body),
     * {@link #INCOMPLETE}, or {@link #MALFORMED}. Call after skipping {@link #leadingLineBreaks}.
     */
    public static int frame(final DirectBuffer buffer, final int offset, final int length, final int maxMessageLength)
    {
        final int searchEnd = offset + Math.min(length, maxMessageLength);
        int lineStart = offset;
        long contentLength = -1;
        while (true)
        {
            final int lf = SipChars.indexOf(buffer, lineStart, searchEnd, SipChars.LF);
            if (lf < 0)
            {
                // The header section does not end within the bytes we may buffer.
                return length >= maxMessageLength ? MALFORMED : INCOMPLETE;
            }
            final int lineEnd = lf > lineStart && buffer.getByte(lf - 1) == SipChars.CR ? lf - 1 : lf;
            if (lineEnd == lineStart && lineStart > offset)
            {
                // The blank line: the body follows (RFC 3261 §18.3: Content-Length is mandatory on streams).
                if (contentLength < 0)
                {
                    return MALFORMED;
                }
                final long total = (long)lf + 1 - offset + contentLength;
                if (total > maxMessageLength)
                {
                    return MALFORMED;
                }
                return total > length ? INCOMPLETE : (int)total;
            }
            final byte first = buffer.getByte(lineStart);
            if (first != SipChars.SP && first != SipChars.HT)
            {
                final long value = contentLength(buffer, lineStart, lineEnd);
                if (value == MALFORMED || (value >= 0 && contentLength >= 0 && value != contentLength))
                {
                    return MALFORMED;
                }
                contentLength = value >= 0 ? value : contentLength;
            }
            lineStart = lf + 1;
        }
    }

    /** The Content-Length of a header line; -2 when the line is another header, MALFORMED when unreadable. */
    static long contentLength(final DirectBuffer buffer, final int from, final int to)
    {
        final int nameEnd = SipChars.skipToken(buffer, from, to);
        if (HeaderName.lookup(buffer, from, nameEnd - from) != HeaderName.CONTENT_LENGTH)
        {
            return -2;
        }
        final int colon = SipChars.skipLws(buffer, nameEnd, to);
        if (colon >= to || buffer.getByte(colon) != ':')
        {
            return MALFORMED;
        }
        final int start = SipChars.skipLws(buffer, colon + 1, to);
        final int end = SipChars.trimEnd(buffer, start, to);
        final long value = SipChars.parseNumber(buffer, start, end, 10, Integer.MAX_VALUE);
        return value < 0 ? MALFORMED : value;
    }
}
