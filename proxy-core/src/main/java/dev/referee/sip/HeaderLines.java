package dev.referee.sip;

/**
 * The header section of a message cut into lines and values (RFC 3261 §7.3): folded lines joined, the name found
 * up to the colon, list headers split at top-level commas, each value indexed in a {@link HeaderIndex}. Reads the
 * message's bytes in place. The first problem found is kept as the reason.
 */
final class HeaderLines
{
    /** {@link #knownHeaderLine} results besides the next line's start. */
    private static final int NOT_KNOWN = -2;
    private static final int NO_LINE_END = -3;
    /** In {@link #knownHeaderLine}: the colon was not found in the name's first two words. */
    private static final int SHORT_NAME_NOT_READ = -4;

    private byte[] bytes = ByteAccess.NONE;
    private HeaderIndex index;
    private String errorReason;
    /** Split every list value now: set for a message whose unsplit values might not fit the index once split. */
    private boolean splitAll;
    /** Set when an entry might not fit beside the unsplit values: {@link #index} starts again with {@link #splitAll}. */
    private boolean restart;

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
        splitAll = false;
        restart = false;
        int pos = from;
        while (pos < end)
        {
            if (restart)
            {
                // Exactly as if no value had been left unsplit: the same entries, and the same overflow point.
                restart = false;
                splitAll = true;
                errorReason = null;
                index.clear();
                pos = from;
                continue;
            }
            final byte first = bytes[pos];
            if (first == SipChars.LF)
            {
                return pos + 1;
            }
            if (first == SipChars.CR && pos + 1 < end && bytes[pos + 1] == SipChars.LF)
            {
                return pos + 2;
            }
            final int next = knownHeaderLine(pos, end);
            if (next != NOT_KNOWN)
            {
                if (restart)
                {
                    continue;
                }
                if (next < 0)
                {
                    return next == NO_LINE_END ? noEndOfHeaders() : -1;
                }
                pos = next;
                continue;
            }
            // A header line runs to the first LF not followed by SP or HT: those are folds (RFC 3261 §7.3.1).
            final int lf = lineEnd(bytes, pos, end);
            if (lf < 0)
            {
                break;
            }
            if (!headerLine(pos, lf))
            {
                if (restart)
                {
                    continue;
                }
                return -1;
            }
            pos = lf + 1;
        }
        return noEndOfHeaders();
    }

    private int noEndOfHeaders()
    {
        fail(ParseErrors.NO_END_OF_HEADERS);
        return -1;
    }

    /**
     * The common line in one pass: a known name, its colon before the first LF, and no fold. The colon is found
     * first (names are short), then the LF from the colon on; for a list header the same scan stops at a comma too,
     * so a value is not scanned a second time to learn that it holds none. Returns the start of the next line, -1
     * when the index is full, {@link #NO_LINE_END} when no LF follows, or {@link #NOT_KNOWN} for any other line
     * (unknown name, LWS-folded, no colon), which {@link #headerLine} then reads the general way.
     */
    private int knownHeaderLine(final int from, final int end)
    {
        final byte[] bytes = this.bytes;
        int colon = SHORT_NAME_NOT_READ;
        int nameEnd = from;
        int id = HeaderName.OTHER;
        if (end - from >= 2 * Long.BYTES)
        {
            // Most names are under sixteen letters: the two words that hold the name show its colon (or an LF before
            // it) without a search loop, and the same words, lower-cased, are the name's key in the lookup.
            final long low = SipChars.getLong(bytes, from);
            final long high = SipChars.getLong(bytes, from + Long.BYTES);
            final int length = SipChars.colonOrLineFeed(low, high);
            if (length < 2 * Long.BYTES)
            {
                if (bytes[from + length] != ':')
                {
                    return NOT_KNOWN;
                }
                if (length > 0 && !SipChars.isLws(bytes[from + length - 1]))
                {
                    colon = from + length;
                    nameEnd = colon;
                    id = HeaderName.lookup(low, high, length);
                }
            }
        }
        if (colon == SHORT_NAME_NOT_READ)
        {
            // A longer name, LWS before the colon, or no room for two words: found and looked up byte-exactly.
            colon = SipChars.indexOfAny(bytes, from, end, (byte)':', SipChars.LF, SipChars.LF);
            if (colon < 0)
            {
                return NO_LINE_END;
            }
            if (bytes[colon] != ':')
            {
                return NOT_KNOWN;
            }
            nameEnd = SipChars.trimEnd(bytes, from, colon);
            id = HeaderName.lookup(bytes, from, nameEnd - from);
        }
        if (id == HeaderName.OTHER)
        {
            return NOT_KNOWN;
        }
        final boolean list = HeaderName.isList(id);
        int lf = list ?
            SipChars.indexOfAny(bytes, colon + 1, end, SipChars.LF, (byte)',', (byte)',') :
            SipChars.indexOf(bytes, colon + 1, end, SipChars.LF);
        final boolean comma = lf >= 0 && bytes[lf] == ',';
        if (comma)
        {
            lf = SipChars.indexOf(bytes, lf + 1, end, SipChars.LF);
        }
        if (lf < 0)
        {
            return NO_LINE_END;
        }
        if (lf + 1 < end && (bytes[lf + 1] == SipChars.SP || bytes[lf + 1] == SipChars.HT))
        {
            return NOT_KNOWN; // folded: the general way joins the lines
        }
        final int valueStart = SipChars.skipLws(bytes, colon + 1, lf);
        final int valueEnd = SipChars.trimEnd(bytes, valueStart, lf);
        final boolean added = comma && valueStart < valueEnd ?
            list(id, from, nameEnd, valueStart, valueEnd) : add(id, from, nameEnd, valueStart, valueEnd);
        return added ? lf + 1 : -1;
    }

    /** The LF that ends the line at {@code from}, folds included; -1 when there is none. */
    private static int lineEnd(final byte[] bytes, final int from, final int end)
    {
        int lf = SipChars.indexOf(bytes, from, end, SipChars.LF);
        while (lf >= 0 && lf + 1 < end && (bytes[lf + 1] == SipChars.SP || bytes[lf + 1] == SipChars.HT))
        {
            lf = SipChars.indexOf(bytes, lf + 1, end, SipChars.LF);
        }
        return lf;
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
            return list(id, from, nameEnd, valueStart, valueEnd);
        }
        return add(id, from, nameEnd, valueStart, valueEnd);
    }

    /**
     * A list value holding a comma. Via, Contact, Route and Record-Route are split now: the message is checked
     * element by element (an empty element is an error). Other lists (Allow, Supported, ...) are checked by
     * nobody during a parse, and most messages are never asked for their elements: such a value is indexed as one
     * entry and split by {@link #split} when the index is first read. Their elements number at most half the value's
     * length, rounded up (non-empty, comma-separated), which bounds what the split adds: a value that might overflow
     * the index so restarts the message with everything split, so that it fails exactly where it did before.
     */
    private boolean list(final int id, final int nameStart, final int nameEnd, final int from, final int to)
    {
        if (splitAll || splitNow(id))
        {
            return splitList(id, nameStart, nameEnd, from, to);
        }
        if (!index.addUnsplit(id, nameStart, nameEnd, from, to, (to - from + 1) / 2))
        {
            restart = true;
            return false;
        }
        return true;
    }

    private static boolean splitNow(final int id)
    {
        return id == HeaderName.VIA || id == HeaderName.CONTACT || id == HeaderName.ROUTE ||
            id == HeaderName.RECORD_ROUTE;
    }

    /**
     * Copies the entries of {@code from} into {@code into} with every unsplit value split: the index a parse that
     * split everything at once would have made. {@code bytes} must be the parsed message's, as for {@link #index}.
     */
    void split(final byte[] bytes, final HeaderIndex from, final HeaderIndex into)
    {
        if (this.bytes != bytes)
        {
            this.bytes = bytes;
        }
        final HeaderIndex parsed = index;
        index = into;
        into.clear();
        for (int i = 0; i < from.size(); i++)
        {
            final int id = from.id(i);
            final int nameStart = from.nameOffset(i);
            final int nameEnd = nameStart + from.nameLength(i);
            final int valueStart = from.valueOffset(i);
            final int valueEnd = valueStart + from.valueLength(i);
            // Cannot fail: the parse made sure that every element fits.
            if (from.isUnsplit(i))
            {
                splitList(id, nameStart, nameEnd, valueStart, valueEnd);
            }
            else
            {
                into.add(id, nameStart, nameEnd, valueStart, valueEnd);
            }
        }
        index = parsed;
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
        if (index.hasUnsplit() && !index.fits(1))
        {
            restart = true;
            return false;
        }
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
