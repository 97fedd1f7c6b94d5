package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Frames one TCP connection's byte stream like {@link StreamFramer#frame}, but resumes where the previous call
 * stopped: the bytes of a message are looked at once however thinly they trickle in. Re-framing from the message
 * start on every read would cost a peer that sends one byte per packet time quadratic in the header size (64 KiB
 * headers: two billion byte reads), which is the lever of a slow-read attack.
 * <p>
 * State is relative to the start of the message being framed, so the caller may move the bytes (compact its buffer)
 * between calls as long as the message start moves with them. Call {@link #reset()} once a message has been taken.
 * One per connection; not thread-safe.
 */
public final class StreamScanner
{
    /** Offset, from the message start, of the first header line not yet complete. */
    private int lineStart;
    /** Offset from the message start up to which the current line has been searched for its LF. */
    private int searchFrom;
    private long contentLength = -1;
    /** The whole message length once its blank line has been seen; -1 before. */
    private long total = -1;

    /**
     * The length of the message starting at {@code offset} with {@code length} bytes there so far,
     * {@link StreamFramer#INCOMPLETE} or {@link StreamFramer#MALFORMED}. Call after skipping
     * {@link StreamFramer#leadingLineBreaks} before a message.
     */
    public int frame(final DirectBuffer buffer, final int offset, final int length, final int maxMessageLength)
    {
        if (total >= 0)
        {
            return total > length ? StreamFramer.INCOMPLETE : (int)total;
        }
        final int searchEnd = offset + Math.min(length, maxMessageLength);
        while (true)
        {
            final int lf = SipChars.indexOf(buffer, offset + searchFrom, searchEnd, SipChars.LF);
            if (lf < 0)
            {
                searchFrom = searchEnd - offset;
                // The header section does not end within the bytes we may buffer.
                return length >= maxMessageLength ? StreamFramer.MALFORMED : StreamFramer.INCOMPLETE;
            }
            final int start = offset + lineStart;
            final int lineEnd = lf > start && buffer.getByte(lf - 1) == SipChars.CR ? lf - 1 : lf;
            lineStart = lf + 1 - offset;
            searchFrom = lineStart;
            if (lineEnd == start && start > offset)
            {
                // The blank line: the body follows (RFC 3261 §18.3: Content-Length is mandatory on streams).
                if (contentLength < 0)
                {
                    return StreamFramer.MALFORMED;
                }
                total = (long)lineStart + contentLength;
                if (total > maxMessageLength)
                {
                    return StreamFramer.MALFORMED;
                }
                return total > length ? StreamFramer.INCOMPLETE : (int)total;
            }
            final byte first = buffer.getByte(start);
            if (first != SipChars.SP && first != SipChars.HT)
            {
                final long value = StreamFramer.contentLength(buffer, start, lineEnd);
                if (value == StreamFramer.MALFORMED || (value >= 0 && contentLength >= 0 && value != contentLength))
                {
                    return StreamFramer.MALFORMED;
                }
                contentLength = value >= 0 ? value : contentLength;
            }
        }
    }

    /** True when bytes of a message have been framed in part (the next message has begun). */
    public boolean started()
    {
        return lineStart > 0 || searchFrom > 0;
    }

    /** Forgets the message just taken; the next call frames a new one. */
    public void reset()
    {
        lineStart = 0;
        searchFrom = 0;
        contentLength = -1;
        total = -1;
    }
}
