package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * View of a name-addr or addr-spec with header parameters, as in From, To, Contact, Route, Record-Route,
 * Refer-To and Referred-By (RFC 3261 §20.10, §25.1). In the addr-spec form without angle brackets,
 * parameters after the URI belong to the header, not the URI (RFC 3261 §20).
 */
public final class NameAddr
{
    private static final Params.ShortName TAG = new Params.ShortName("tag");

    private final AsciiView value = new AsciiView();
    private final AsciiView displayName = new AsciiView();
    private final AsciiView uri = new AsciiView();
    private final AsciiView tag = new AsciiView();
    private final AsciiView params = new AsciiView();
    private final SipUri uriView = new SipUri();
    private final Params.Param param = new Params.Param();
    private final ByteAccess access = new ByteAccess();
    private DirectBuffer buffer;
    private byte[] bytes = ByteAccess.NONE;
    /** Set when the value being wrapped got as far as its URI, which then wrapped {@link #uriView}. */
    private boolean uriWrapped;

    /** Parses one value; false when malformed (unbalanced quotes or brackets, bad URI). */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        return wrap(buffer, access.array(buffer, offset, offset + Math.max(length, 0)), offset, length);
    }

    /** As {@link #wrap(DirectBuffer, int, int)}, reading {@code bytes} (the buffer's bytes at the same indexes). */
    boolean wrap(final DirectBuffer buffer, final byte[] bytes, final int offset, final int length)
    {
        if (this.buffer != buffer || this.bytes != bytes)
        {
            // Stored only when they change: a reference store costs a GC write barrier (see AsciiView.wrap).
            this.buffer = buffer;
            this.bytes = bytes;
        }
        displayName.reset();
        uri.reset();
        tag.reset();
        params.reset();
        uriWrapped = false;
        final boolean valid = parse(bytes, offset, length);
        if (!uriWrapped)
        {
            // Emptied too: a value that fails before its URI would otherwise leave the last value's URI (found by
            // SipMessageFuzzTest: the To host of a malformed To pointed into the previous message). Not done first:
            // a value that gets as far as its URI wraps the view anyway, and an empty wrap resets seven views.
            uriView.wrap(buffer, bytes, offset, 0);
        }
        return valid;
    }

    private boolean parse(final byte[] bytes, final int offset, final int length)
    {
        final int end = SipChars.trimEnd(bytes, offset, offset + Math.max(length, 0));
        final int start = SipChars.skipLws(bytes, offset, end);
        value.wrap(buffer, start, end - start);
        if (start >= end)
        {
            return false;
        }

        final int afterAddress;
        final byte first = bytes[start];
        if (first == '"')
        {
            final int quoteEnd = SipChars.skipQuoted(bytes, start, end);
            if (quoteEnd < 0)
            {
                return false;
            }
            displayName.wrap(buffer, start, quoteEnd - start);
            afterAddress = bracketed(bytes, SipChars.skipLws(bytes, quoteEnd, end), end);
        }
        else if (first == '<')
        {
            afterAddress = bracketed(bytes, start, end);
        }
        else
        {
            afterAddress = unquotedNameOrAddrSpec(bytes, start, end);
        }
        if (afterAddress < 0)
        {
            return false;
        }
        if (afterAddress < end)
        {
            for (int i = SipChars.skipLws(bytes, afterAddress, end); i < end; )
            {
                i = Params.next(bytes, i, end, param);
                if (i < 0)
                {
                    return false;
                }
                if (tag.isEmpty() && param.nameIs(bytes, TAG))
                {
                    tag.wrap(buffer, param.valueStart, param.valueLength());
                }
            }
            params.wrap(buffer, afterAddress, end - afterAddress);
        }
        return true;
    }

    public AsciiView value()
    {
        return value;
    }

    /** Display name as written (quotes kept when quoted); empty when absent. */
    public AsciiView displayName()
    {
        return displayName;
    }

    /** The URI text, without angle brackets. */
    public AsciiView uri()
    {
        return uri;
    }

    public SipUri uriView()
    {
        return uriView;
    }

    /** The tag parameter; empty when absent. */
    public AsciiView tag()
    {
        return tag;
    }

    /** Header parameters after the URI, including the leading ';'; empty when none. */
    public AsciiView params()
    {
        return params;
    }

    /** Points {@code into} at header parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        return Params.find(params, bytes, name, into);
    }

    /**
     * Either {@code *(token LWS) <addr-spec>} or a bare addr-spec. A bare addr-spec ends at the first ';'
     * and must not contain ',', '?' or ';' of its own (RFC 3261 §20: those force the name-addr form).
     */
    private int unquotedNameOrAddrSpec(final byte[] bytes, final int start, final int end)
    {
        int i = start;
        while (i < end && (SipChars.isToken(bytes[i]) || SipChars.isLws(bytes[i])))
        {
            i++;
        }
        if (i < end && bytes[i] == '<')
        {
            final int nameEnd = SipChars.trimEnd(bytes, start, i);
            displayName.wrap(buffer, start, nameEnd - start);
            return bracketed(bytes, i, end);
        }
        if (i >= end || bytes[i] != ':')
        {
            return -1;
        }
        final int semicolon = SipChars.indexOf(bytes, start, end, (byte)';');
        final int uriEnd = SipChars.trimEnd(bytes, start, semicolon < 0 ? end : semicolon);
        for (int j = start; j < uriEnd; j++)
        {
            final byte b = bytes[j];
            if (b == ',' || b == '?' || SipChars.isLws(b))
            {
                return -1;
            }
        }
        return uri(bytes, start, uriEnd) ? uriEnd : -1;
    }

    /** From the '<' at {@code from}: the index after the matching '>' and any LWS; -1 when malformed. */
    private int bracketed(final byte[] bytes, final int from, final int end)
    {
        if (from >= end || bytes[from] != '<')
        {
            return -1;
        }
        // Nearly always the first byte after '<' that no URI may hold is the '>': the URI is then checked by the
        // pass that found its end. Otherwise the URI runs to the first '>' and is read again, as malformed.
        final int stop = uriView.scanToNonUriByte(bytes, from + 1, end);
        if (stop < end && bytes[stop] == '>')
        {
            uriWrapped = true;
            uri.wrap(buffer, from + 1, stop - from - 1);
            return uriView.wrapScanned(buffer, bytes, from + 1, stop - from - 1) ?
                SipChars.skipLws(bytes, stop + 1, end) : -1;
        }
        final int close = SipChars.indexOf(bytes, from + 1, end, (byte)'>');
        if (close < 0 || !uri(bytes, from + 1, close))
        {
            return -1;
        }
        return SipChars.skipLws(bytes, close + 1, end);
    }

    private boolean uri(final byte[] bytes, final int from, final int to)
    {
        uriWrapped = true;
        uri.wrap(buffer, from, to - from);
        return uriView.wrap(buffer, bytes, from, to - from);
    }
}
