package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * View of a name-addr or addr-spec with header parameters, as in From, To, Contact, Route, Record-Route,
 * Refer-To and Referred-By (RFC 3261 §20.10, §25.1). In the addr-spec form without angle brackets,
 * parameters after the URI belong to the header, not the URI (RFC 3261 §20).
 */
public final class NameAddr
{
    private final AsciiView value = new AsciiView();
    private final AsciiView displayName = new AsciiView();
    private final AsciiView uri = new AsciiView();
    private final AsciiView tag = new AsciiView();
    private final AsciiView params = new AsciiView();
    private final SipUri uriView = new SipUri();
    private final AsciiView paramName = new AsciiView();
    private final AsciiView paramValue = new AsciiView();

    /** Parses one value; false when malformed (unbalanced quotes or brackets, bad URI). */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        displayName.reset();
        uri.reset();
        tag.reset();
        params.reset();
        final int end = SipChars.trimEnd(buffer, offset, offset + Math.max(length, 0));
        final int start = SipChars.skipLws(buffer, offset, end);
        value.wrap(buffer, start, end - start);
        if (start >= end)
        {
            return false;
        }

        final int afterAddress;
        final byte first = buffer.getByte(start);
        if (first == '"')
        {
            final int quoteEnd = SipChars.skipQuoted(buffer, start, end);
            if (quoteEnd < 0)
            {
                return false;
            }
            displayName.wrap(buffer, start, quoteEnd - start);
            afterAddress = bracketed(buffer, SipChars.skipLws(buffer, quoteEnd, end), end);
        }
        else if (first == '<')
        {
            afterAddress = bracketed(buffer, start, end);
        }
        else
        {
            afterAddress = unquotedNameOrAddrSpec(buffer, start, end);
        }
        if (afterAddress < 0)
        {
            return false;
        }
        if (afterAddress < end)
        {
            for (int i = SipChars.skipLws(buffer, afterAddress, end); i < end; )
            {
                i = Params.next(buffer, i, end, paramName, paramValue);
                if (i < 0)
                {
                    return false;
                }
                if (tag.isEmpty() && paramName.equalsIgnoreCase("tag"))
                {
                    tag.wrap(paramValue);
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
        return Params.find(params, name, into);
    }

    /**
     * Either {@code *(token LWS) <addr-spec>} or a bare addr-spec. A bare addr-spec ends at the first ';'
     * and must not contain ',', '?' or ';' of its own (RFC 3261 §20: those force the name-addr form).
     */
    private int unquotedNameOrAddrSpec(final DirectBuffer buffer, final int start, final int end)
    {
        int i = start;
        while (i < end && (SipChars.isToken(buffer.getByte(i)) || SipChars.isLws(buffer.getByte(i))))
        {
            i++;
        }
        if (i < end && buffer.getByte(i) == '<')
        {
            final int nameEnd = SipChars.trimEnd(buffer, start, i);
            displayName.wrap(buffer, start, nameEnd - start);
            return bracketed(buffer, i, end);
        }
        if (i >= end || buffer.getByte(i) != ':')
        {
            return -1;
        }
        final int semicolon = SipChars.indexOf(buffer, start, end, (byte)';');
        final int uriEnd = SipChars.trimEnd(buffer, start, semicolon < 0 ? end : semicolon);
        for (int j = start; j < uriEnd; j++)
        {
            final byte b = buffer.getByte(j);
            if (b == ',' || b == '?' || SipChars.isLws(b))
            {
                return -1;
            }
        }
        return uri(buffer, start, uriEnd) ? uriEnd : -1;
    }

    /** From the '<' at {@code from}: the index after the matching '>' and any LWS; -1 when malformed. */
    private int bracketed(final DirectBuffer buffer, final int from, final int end)
    {
        if (from >= end || buffer.getByte(from) != '<')
        {
            return -1;
        }
        final int close = SipChars.indexOf(buffer, from + 1, end, (byte)'>');
        if (close < 0 || !uri(buffer, from + 1, close))
        {
            return -1;
        }
        return SipChars.skipLws(buffer, close + 1, end);
    }

    private boolean uri(final DirectBuffer buffer, final int from, final int to)
    {
        uri.wrap(buffer, from, to - from);
        return uriView.wrap(buffer, from, to - from);
    }
}
