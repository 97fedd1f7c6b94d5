package dev.referee.capture;

import dev.referee.sip.HeaderName;
import org.agrona.DirectBuffer;

/**
 * Finds the Call-ID of a captured message for HEP's correlation id: the first {@code Call-ID} (or compact {@code i})
 * header line before the blank line, its value without surrounding blanks. Deliberately not the full parser: a
 * message Referee refuses as malformed still has a Call-ID that ties it to its call in Homer. A folded Call-ID
 * (line continuation, RFC 3261 §7.3.1) is taken up to the end of its first line.
 * <p>
 * Single-threaded; allocates nothing.
 */
final class CallIdFinder
{
    private int offset;
    private int length;

    /** Finds the Call-ID in {@code buffer[offset, offset + length)}; false when there is none. */
    boolean find(final DirectBuffer buffer, final int start, final int messageLength)
    {
        final int end = start + messageLength;
        int line = nextLine(buffer, start, end); // past the start line
        while (line < end)
        {
            final int lineEnd = lineEnd(buffer, line, end);
            if (lineEnd == line)
            {
                return false; // the blank line: headers are over
            }
            final int colon = indexOf(buffer, line, lineEnd, (byte)':');
            if (colon > line)
            {
                int nameEnd = colon;
                while (nameEnd > line && isBlank(buffer.getByte(nameEnd - 1)))
                {
                    nameEnd--;
                }
                if (HeaderName.lookup(buffer, line, nameEnd - line) == HeaderName.CALL_ID)
                {
                    int valueStart = colon + 1;
                    int valueEnd = lineEnd;
                    while (valueStart < valueEnd && isBlank(buffer.getByte(valueStart)))
                    {
                        valueStart++;
                    }
                    while (valueEnd > valueStart && isBlank(buffer.getByte(valueEnd - 1)))
                    {
                        valueEnd--;
                    }
                    offset = valueStart;
                    length = valueEnd - valueStart;
                    return length > 0;
                }
            }
            line = nextLine(buffer, lineEnd, end);
        }
        return false;
    }

    /** Where the last Call-ID found starts in the buffer. */
    int offset()
    {
        return offset;
    }

    int length()
    {
        return length;
    }

    /** The end of the line starting at {@code from}: its CR or LF, or {@code end}. */
    private static int lineEnd(final DirectBuffer buffer, final int from, final int end)
    {
        int i = from;
        while (i < end)
        {
            final byte b = buffer.getByte(i);
            if (b == '\r' || b == '\n')
            {
                return i;
            }
            i++;
        }
        return end;
    }

    /** The start of the line after the one {@code from} is in (CRLF or a bare LF ends a line). */
    private static int nextLine(final DirectBuffer buffer, final int from, final int end)
    {
        int i = lineEnd(buffer, from, end);
        if (i < end && buffer.getByte(i) == '\r')
        {
            i++;
        }
        if (i < end && buffer.getByte(i) == '\n')
        {
            i++;
        }
        return i;
    }

    private static int indexOf(final DirectBuffer buffer, final int from, final int end, final byte wanted)
    {
        for (int i = from; i < end; i++)
        {
            if (buffer.getByte(i) == wanted)
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(final byte b)
    {
        return b == ' ' || b == '\t';
    }
}
