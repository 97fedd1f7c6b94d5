package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * View of a SIP, SIPS or TEL URI (RFC 3261 §19.1, RFC 3966); other schemes keep only scheme and text.
 * {@code sip:user:password@host:port;uri-parameters?headers}.
 */
public final class SipUri
{
    private static final int SCHEME_OTHER = 0;
    private static final int SCHEME_SIP = 1;
    private static final int SCHEME_SIPS = 2;
    private static final int SCHEME_TEL = 3;
    /** "sip:" as the little-endian word {@link SipChars#getLong} reads, lower-cased, and the mask of its bytes. */
    private static final long SIP_COLON = 0x3A70_6973L;
    private static final long SIP_COLON_MASK = 0xFFFF_FFFFL;
    private static final int SIP_COLON_LENGTH = 4;

    /** What {@link #scanToNonUriByte} looks for, per byte value. */
    private static final byte ORDINARY = 0;
    private static final byte NEVER = 1;
    private static final byte AT = 2;
    private static final byte QUESTION = 3;
    private static final byte PERCENT = 4;
    private static final byte[] BYTE_KINDS = new byte[256];

    static
    {
        for (int b = 0; b < 256; b++)
        {
            BYTE_KINDS[b] = b <= ' ' || b >= 0x7F || b == '<' || b == '>' || b == '"' ? NEVER : ORDINARY;
        }
        BYTE_KINDS['@'] = AT;
        BYTE_KINDS['?'] = QUESTION;
        BYTE_KINDS['%'] = PERCENT;
    }

    private final AsciiView value = new AsciiView();
    private final AsciiView scheme = new AsciiView();
    private final AsciiView user = new AsciiView();
    private final AsciiView password = new AsciiView();
    private final AsciiView host = new AsciiView();
    private final AsciiView params = new AsciiView();
    private final AsciiView headers = new AsciiView();
    private final ByteAccess access = new ByteAccess();
    private DirectBuffer buffer;
    private byte[] bytes = ByteAccess.NONE;
    private int schemeKind;
    private int port = -1;
    /** Set by {@link #scanToNonUriByte} for the URI being wrapped: its first '@' and '?' (-1 when none), any '%'. */
    private int firstAt;
    private int firstQuestion;
    private boolean hasPercent;

    /** Parses; false when malformed. An unknown scheme parses (RFC 4475 §3.3.2) with {@link #isSip()} false. */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        return wrap(buffer, access.array(buffer, offset, offset + Math.max(length, 0)), offset, length);
    }

    /** As {@link #wrap(DirectBuffer, int, int)}, reading {@code bytes} (the buffer's bytes at the same indexes). */
    boolean wrap(final DirectBuffer buffer, final byte[] bytes, final int offset, final int length)
    {
        final boolean scanned = length > 0 && scanToNonUriByte(bytes, offset, offset + length) == offset + length;
        return wrapScanned(buffer, bytes, offset, length, scanned);
    }

    /**
     * As {@link #wrap(DirectBuffer, byte[], int, int)} for a URI that {@link #scanToNonUriByte} has just scanned from
     * {@code offset} and stopped right at its end: [offset, offset + length) then holds only URI bytes, and the '@',
     * '?' and '%' noted are the URI's own. A name-addr so finds its URI's '>' with the pass that checks the URI.
     */
    boolean wrapScanned(final DirectBuffer buffer, final byte[] bytes, final int offset, final int length)
    {
        return wrapScanned(buffer, bytes, offset, length, length > 0);
    }

    /** {@code scanned}: the URI is not empty and holds only bytes a URI may hold, its '@', '?' and '%' noted. */
    private boolean wrapScanned(
        final DirectBuffer buffer, final byte[] bytes, final int offset, final int length, final boolean scanned)
    {
        if (this.buffer != buffer || this.bytes != bytes)
        {
            // Stored only when they change: a reference store costs a GC write barrier (see AsciiView.wrap).
            this.buffer = buffer;
            this.bytes = bytes;
        }
        value.wrap(buffer, offset, Math.max(length, 0));
        scheme.reset();
        user.reset();
        password.reset();
        host.reset();
        params.reset();
        headers.reset();
        schemeKind = SCHEME_OTHER;
        port = -1;

        if (!scanned)
        {
            return false;
        }
        final int end = offset + length;
        final int at = firstAt;
        if (length > SIP_COLON_LENGTH && offset + Long.BYTES <= bytes.length &&
            (SipChars.toLowerCase(SipChars.getLong(bytes, offset)) & SIP_COLON_MASK) == SIP_COLON)
        {
            // Nearly every URI: "sip:" in any case, in one compare, which is what the scheme's letters would give.
            scheme.wrap(buffer, offset, SIP_COLON_LENGTH - 1);
            schemeKind = SCHEME_SIP;
            return wrapSip(bytes, offset + SIP_COLON_LENGTH, end, at);
        }
        final int colon = schemeEnd(bytes, offset, end);
        if (colon < 0 || colon + 1 >= end)
        {
            return false;
        }
        scheme.wrap(buffer, offset, colon - offset);
        if (SipChars.equalsIgnoreCase(bytes, offset, colon, "sip"))
        {
            schemeKind = SCHEME_SIP;
        }
        else if (SipChars.equalsIgnoreCase(bytes, offset, colon, "sips"))
        {
            schemeKind = SCHEME_SIPS;
        }
        else if (SipChars.equalsIgnoreCase(bytes, offset, colon, "tel"))
        {
            schemeKind = SCHEME_TEL;
        }

        if (schemeKind == SCHEME_TEL)
        {
            return wrapTel(bytes, colon + 1, end);
        }
        return schemeKind == SCHEME_OTHER || wrapSip(bytes, colon + 1, end, at);
    }

    public AsciiView value()
    {
        return value;
    }

    public AsciiView scheme()
    {
        return scheme;
    }

    /** sip: or sips: */
    public boolean isSip()
    {
        return schemeKind == SCHEME_SIP || schemeKind == SCHEME_SIPS;
    }

    public boolean isSips()
    {
        return schemeKind == SCHEME_SIPS;
    }

    public boolean isTel()
    {
        return schemeKind == SCHEME_TEL;
    }

    /** User part as written (escapes kept); for tel: the telephone number. Empty when absent. */
    public AsciiView user()
    {
        return user;
    }

    public AsciiView password()
    {
        return password;
    }

    /** Host; an IPv6 reference keeps its brackets. Empty for tel:. */
    public AsciiView host()
    {
        return host;
    }

    /** Port, or -1 when absent. */
    public int port()
    {
        return port;
    }

    /** URI parameters including the leading ';'; empty when none. */
    public AsciiView params()
    {
        return params;
    }

    /** Points {@code into} at URI parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        return Params.find(params, bytes, name, into);
    }

    /** Headers after '?', without the '?'; empty when none. */
    public AsciiView headers()
    {
        return headers;
    }

    /** Points {@code into} at URI header {@code name}'s value, still %-escaped; false when absent. */
    public boolean header(final CharSequence name, final AsciiView into)
    {
        final int end = headers.offset() + headers.length();
        int i = headers.offset();
        while (!headers.isEmpty() && i < end)
        {
            int next = SipChars.indexOf(bytes, i, end, (byte)'&');
            next = next < 0 ? end : next;
            final int equals = SipChars.indexOf(bytes, i, next, (byte)'=');
            final int nameEnd = equals < 0 ? next : equals;
            if (SipChars.equalsIgnoreCase(bytes, i, nameEnd, name))
            {
                final int valueStart = equals < 0 ? next : equals + 1;
                into.wrap(buffer, valueStart, next - valueStart);
                return true;
            }
            i = next + 1;
        }
        into.reset();
        return false;
    }

    /**
     * True when a %-escape in the headers (after '?') decodes to a control character: CR, LF, NUL or any other below
     * SP, or DEL. URI headers are %-decoded before use (RFC 3261 §19.1.1), so such a value could end a header line of
     * the request made from the URI; the raw bytes themselves cannot (the URI admits no byte below '!').
     */
    public boolean headersEscapeControlCharacters()
    {
        final int end = headers.offset() + headers.length();
        for (int i = headers.offset(); !headers.isEmpty() && i + 2 < end; i++)
        {
            if (bytes[i] == '%' && SipChars.isHex(bytes[i + 1]) && SipChars.isHex(bytes[i + 2]))
            {
                final int decoded = Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16);
                if (decoded < ' ' || decoded == 0x7F)
                {
                    return true;
                }
                i += 2;
            }
        }
        return false;
    }

    private boolean wrapTel(final byte[] bytes, final int from, final int end)
    {
        int semicolon = SipChars.indexOf(bytes, from, end, (byte)';');
        semicolon = semicolon < 0 ? end : semicolon;
        if (semicolon == from)
        {
            return false;
        }
        user.wrap(buffer, from, semicolon - from);
        return wrapParamsAndHeaders(bytes, semicolon, end);
    }

    /** {@code at}: the first '@' (see {@link #scanToNonUriByte}); the scheme before {@code from} cannot hold one. */
    private boolean wrapSip(final byte[] bytes, final int from, final int end, final int at)
    {
        // '@' appears nowhere in a SIP URI but as the end of userinfo: params and headers must escape it.
        int hostStart = from;
        if (at >= 0)
        {
            final int colon = SipChars.indexOf(bytes, from, at, (byte)':');
            final int userEnd = colon < 0 ? at : colon;
            // Without a '%' in the whole URI there is no escape to check.
            if (userEnd == from || (hasPercent && !escapesValid(bytes, from, userEnd)))
            {
                return false;
            }
            user.wrap(buffer, from, userEnd - from);
            if (colon >= 0)
            {
                password.wrap(buffer, colon + 1, at - colon - 1);
            }
            hostStart = at + 1;
        }
        final int hostEnd = hostEnd(bytes, hostStart, end);
        if (hostEnd <= hostStart)
        {
            return false;
        }
        host.wrap(buffer, hostStart, hostEnd - hostStart);
        int i = hostEnd;
        if (i < end && bytes[i] == ':')
        {
            final long portAt = SipChars.portAt(bytes, i + 1, end);
            port = SipChars.port(portAt);
            if (port < 0)
            {
                return false;
            }
            i = SipChars.portEnd(portAt);
        }
        return wrapParamsAndHeaders(bytes, i, end);
    }

    private boolean wrapParamsAndHeaders(final byte[] bytes, final int from, final int end)
    {
        // The scan found the URI's first '?': no search at all without one, nor when it lies in this range.
        int question = firstQuestion;
        if (question >= 0 && question < from)
        {
            question = SipChars.indexOf(bytes, from, end, (byte)'?');
        }
        question = question < 0 ? end : question;
        if (from < question)
        {
            if (bytes[from] != ';' || !Params.valid(bytes, from, question))
            {
                return false;
            }
            params.wrap(buffer, from, question - from);
        }
        if (question < end)
        {
            if (question + 1 == end)
            {
                return false;
            }
            headers.wrap(buffer, question + 1, end - question - 1);
        }
        return true;
    }

    /** End of a hostname, IPv4 address or bracketed IPv6 reference; -1 when malformed. */
    private static int hostEnd(final byte[] bytes, final int from, final int end)
    {
        if (from >= end)
        {
            return -1;
        }
        if (bytes[from] == '[')
        {
            final int close = SipChars.indexOf(bytes, from, end, (byte)']');
            return close > from && SipChars.isIpv6(bytes, from + 1, close) ? close + 1 : -1;
        }
        int i = from;
        while (i < end && SipChars.isHostChar(bytes[i]))
        {
            i++;
        }
        return i;
    }

    private static int schemeEnd(final byte[] bytes, final int from, final int end)
    {
        final byte first = bytes[from];
        if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')))
        {
            return -1;
        }
        for (int i = from + 1; i < end; i++)
        {
            final byte b = bytes[i];
            if (b == ':')
            {
                return i;
            }
            final boolean alnum = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || SipChars.isDigit(b);
            if (!alnum && b != '+' && b != '-' && b != '.')
            {
                return -1;
            }
        }
        return -1;
    }

    /**
     * One pass from {@code from} to the first byte that can never be part of a URI (white space, a control or a
     * delimiter: RFC 3986 §2, RFC 3261 §25), whose index it returns ({@code end} when there is none). Notes the first
     * '@' and '?' and whether a '%' occurs before it, so that the parts, headers and escapes need no search of their
     * own (see {@link #wrapScanned}).
     */
    int scanToNonUriByte(final byte[] bytes, final int from, final int end)
    {
        int at = SipChars.NOT_FOUND;
        int question = SipChars.NOT_FOUND;
        boolean percent = false;
        for (int i = from; i < end; i++)
        {
            final byte kind = BYTE_KINDS[bytes[i] & 0xFF];
            if (kind != ORDINARY)
            {
                if (kind == NEVER)
                {
                    return stop(i, at, question, percent);
                }
                if (kind == AT)
                {
                    at = at < 0 ? i : at;
                }
                else if (kind == QUESTION)
                {
                    question = question < 0 ? i : question;
                }
                else
                {
                    percent = true;
                }
            }
        }
        return stop(end, at, question, percent);
    }

    private int stop(final int index, final int at, final int question, final boolean percent)
    {
        firstAt = at;
        firstQuestion = question;
        hasPercent = percent;
        return index;
    }

    private static boolean escapesValid(final byte[] bytes, final int from, final int end)
    {
        for (int i = from; i < end; i++)
        {
            if (bytes[i] == '%')
            {
                if (i + 2 >= end || !SipChars.isHex(bytes[i + 1]) || !SipChars.isHex(bytes[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }
}
