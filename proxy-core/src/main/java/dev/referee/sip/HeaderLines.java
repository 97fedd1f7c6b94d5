package dev.referee.sip;

/**
 * The header section of a message cut into lines and values (RFC 3261 §7.3): folded lines joined, the name found
 * up to the colon, list headers split at top-level commas, each value indexed in a {@link HeaderIndex}. Reads the
 * message's bytes in place. The first problem found is kept as the reason.
 */
final class HeaderLines
{
    private byte[] bytes = ByteAccess.NONE;
    private HeaderIndex index;
    private String errorReason;

    /** The first problem of the last {@link #index} call, or null. */
    String errorReason()
    {
        return errorReason;
    }

    /**
     * Indexes the header lines of {@code bytes} from {@code from} into {@code index}: the offset of the body, or -1
     * when the blank line is missing. A malformed line is reported in {@link #errorReason()} and scanning goes on.
     */
    int index(final byte[] bytes, final int from, final int end, final HeaderIndex index)
    {
        // Stored only when they change, as in AsciiView.wrap: each reference store costs a GC write barrier.
        if (this.bytes != bytes)
        {
            this.bytes = bytes;
        }
        if (this.index != index)
        {
            this.index = index;
        }
        errorReason = null;
        int pos = from;
        while (pos < end)
        {
            final byte first = bytes[pos];
            if (first == SipChars.LF)
            {
                return pos + 1;
            }
            if (first == SipChars.CR && pos + 1 < end && bytes[pos + 1] == SipChars.LF)
            {
                return pos + 2;
            }
            // A header line runs to the first LF not followed by SP or HT: those are folds (RFC 3261 §7.3.1).
            int lf = SipChars.indexOf(bytes, pos, end, SipChars.LF);
            while (lf >= 0 && lf + 1 < end && (bytes[lf + 1] == SipChars.SP || bytes[lf + 1] == SipChars.HT))
            {
                lf = SipChars.indexOf(bytes, lf + 1, end, SipChars.LF);
            }
            if (lf < 0)
            {
                break;
            }
            if (!headerLine(pos, lf))
            {
                return -1;
            }
            pos = lf + 1;
        }
        fail(ParseErrors.NO_END_OF_HEADERS);
        return -1;
    }

    private boolean headerLine(final int from, final int to)
    {
        final byte[] bytes = this.bytes;
        // The name runs to the colon (LWS before it allowed). Find the colon eight bytes at a time: a name that is a
        // known one is all letters and '-', so it is the token the grammar asks for, and the byte-by-byte check of
        // the token is needed only for other names.
        final int colonAt = SipChars.indexOf(bytes, from, to, (byte)':');
        int nameEnd = colonAt < 0 ? from : SipChars.trimEnd(bytes, from, colonAt);
        int id = HeaderName.lookup(bytes, from, nameEnd - from);
        int colon = colonAt;
        if (id == HeaderName.OTHER)
        {
            nameEnd = SipChars.skipToken(bytes, from, to);
            colon = SipChars.skipLws(bytes, nameEnd, to);
            if (nameEnd == from || colon >= to || bytes[colon] != ':')
            {
                fail(ParseErrors.MALFORMED_HEADER_LINE);
                return true;
            }
            id = HeaderName.lookup(bytes, from, nameEnd - from);
        }
        final int valueStart = SipChars.skipLws(bytes, colon + 1, to);
        final int valueEnd = SipChars.trimEnd(bytes, valueStart, to);
        // Without a comma a list value is a single element (quotes and brackets only matter around commas).
        if (HeaderName.isList(id) && valueStart < valueEnd &&
            SipChars.indexOf(bytes, valueStart, valueEnd, (byte)',') >= 0)
        {
            return splitList(id, from, nameEnd, valueStart, valueEnd);
        }
        return add(id, from, nameEnd, valueStart, valueEnd);
    }

    /** One entry per top-level comma-separated element: commas inside quotes or {@code <>} do not split. */
    private boolean splitList(final int id, final int nameStart, final int nameEnd, final int from, final int to)
    {
        final byte[] bytes = this.bytes;
        int elementStart = from;
        int i = from;
        while (i <= to)
        {
            // Only a comma, a quote or a '<' changes anything: skip to the next one, eight bytes at a time.
            final int delimiter = SipChars.indexOfAny(bytes, i, to, (byte)',', (byte)'"', (byte)'<');
            i = delimiter < 0 ? to : delimiter;
            final byte b = i < to ? bytes[i] : (byte)',';
            if (b == '"')
            {
                final int close = SipChars.skipQuoted(bytes, i, to);
                i = close < 0 ? to : close;
                continue;
            }
            if (b == '<')
            {
                final int close = SipChars.indexOf(bytes, i, to, (byte)'>');
                i = close < 0 ? to : close + 1;
                continue;
            }
            if (b == ',')
            {
                final int start = SipChars.skipLws(bytes, elementStart, i);
                final int end = SipChars.trimEnd(bytes, start, i);
                if (start == end)
                {
                    if (id == HeaderName.VIA || id == HeaderName.CONTACT || id == HeaderName.ROUTE ||
                        id == HeaderName.RECORD_ROUTE)
                    {
                        fail(ParseErrors.EMPTY_LIST_ELEMENT);
                    }
                }
                else if (!add(id, nameStart, nameEnd, start, end))
                {
                    return false;
                }
                elementStart = i + 1;
            }
            i++;
        }
        return true;
    }

    private boolean add(final int id, final int nameStart, final int nameEnd, final int valueStart, final int valueEnd)
    {
        if (!index.add(id, nameStart, nameEnd, valueStart, valueEnd))
        {
            fail(ParseErrors.TOO_MANY_HEADERS);
            return false;
        }
        return true;
    }

    private void fail(final String reason)
    {
        if (errorReason == null)
        {
            errorReason = reason;
        }
    }
}
