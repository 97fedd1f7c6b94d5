package dev.referee.sip;

import org.agrona.DirectBuffer;

/** View of one Via value: {@code SIP/2.0/UDP host:port;branch=..;received=..;rport=..} (RFC 3261 §20.42, RFC 3581). */
public final class Via
{
    /** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this. */
    public static final String MAGIC_COOKIE = "z9hG4bK";
    private static final Params.ShortName BRANCH = new Params.ShortName("branch");
    private static final Params.ShortName RECEIVED = new Params.ShortName("received");
    private static final Params.ShortName RPORT = new Params.ShortName("rport");
    /** "SIP/2.0/" as the little-endian word {@link SipChars#getLong} reads. */
    private static final long SIP_2_0_SLASH = 0x2F30_2E32_2F50_4953L;

    private final AsciiView value = new AsciiView();
    private final AsciiView transport = new AsciiView();
    private final AsciiView host = new AsciiView();
    private final AsciiView branch = new AsciiView();
    private final AsciiView received = new AsciiView();
    private final Params.Param param = new Params.Param();
    private final ByteAccess access = new ByteAccess();
    private DirectBuffer buffer;
    private byte[] bytes = ByteAccess.NONE;
    private int port = -1;
    private int rport = -1;
    private boolean hasRport;
    private int paramsOffset;
    private int paramsEnd;

    /** Parses one Via value; false when malformed. */
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
        transport.reset();
        host.reset();
        branch.reset();
        received.reset();
        port = -1;
        rport = -1;
        hasRport = false;
        final int end = SipChars.trimEnd(bytes, offset, offset + Math.max(length, 0));
        final int start = SipChars.skipLws(bytes, offset, end);
        value.wrap(buffer, start, end - start);
        paramsOffset = end;
        paramsEnd = end;

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed around each SLASH.
        // Name and version are tokens in the grammar: "SIP/7.0" is a version to answer with 505, not a syntax error.
        int i;
        if (end - start > Long.BYTES && SipChars.getLong(bytes, start) == SIP_2_0_SLASH)
        {
            // Nearly every Via: the two tokens and slashes in one compare, which is what the general way accepts.
            i = SipChars.skipLws(bytes, start + Long.BYTES, end);
        }
        else
        {
            i = expectToken(bytes, start, end);
            i = expectSlash(bytes, i, end);
            i = expectToken(bytes, i, end);
            i = expectSlash(bytes, i, end);
        }
        if (i < 0)
        {
            return false;
        }
        final int transportEnd = SipChars.skipToken(bytes, i, end);
        if (transportEnd == i || transportEnd >= end || !SipChars.isLws(bytes[transportEnd]))
        {
            return false;
        }
        transport.wrap(buffer, i, transportEnd - i);
        return sentBy(bytes, SipChars.skipLws(bytes, transportEnd, end), end);
    }

    /** The whole value. */
    public AsciiView value()
    {
        return value;
    }

    /** "UDP", "TCP", "TLS", ... as received. */
    public AsciiView transport()
    {
        return transport;
    }

    /** sent-by host; an IPv6 reference keeps its brackets. */
    public AsciiView host()
    {
        return host;
    }

    /** sent-by port, or -1 when absent. */
    public int port()
    {
        return port;
    }

    /** branch parameter; empty when absent. */
    public AsciiView branch()
    {
        return branch;
    }

    /** True when the branch starts with the RFC 3261 magic cookie "z9hG4bK". */
    public boolean hasRfc3261Branch()
    {
        return branch.startsWith(MAGIC_COOKIE);
    }

    /** received parameter; empty when absent. */
    public AsciiView received()
    {
        return received;
    }

    /** True when an rport parameter is present, with or without a value. */
    public boolean hasRport()
    {
        return hasRport;
    }

    /** rport value, or -1 when absent or empty. */
    public int rport()
    {
        return rport;
    }

    /** Points {@code into} at parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        if (paramsOffset >= paramsEnd)
        {
            into.reset();
            return false;
        }
        return Params.find(buffer, bytes, paramsOffset, paramsEnd, name, into);
    }

    private boolean sentBy(final byte[] bytes, final int from, final int end)
    {
        final int hostEnd = hostEnd(bytes, from, end);
        if (hostEnd <= from)
        {
            return false;
        }
        host.wrap(buffer, from, hostEnd - from);
        int i = SipChars.skipLws(bytes, hostEnd, end);
        if (i < end && bytes[i] == ':')
        {
            final long portAt = SipChars.portAt(bytes, SipChars.skipLws(bytes, i + 1, end), end);
            port = SipChars.port(portAt);
            if (port < 0)
            {
                return false;
            }
            i = SipChars.skipLws(bytes, SipChars.portEnd(portAt), end);
        }
        if (i < end && bytes[i] != ';')
        {
            return false;
        }
        paramsOffset = i;
        return knownParams(bytes, i, end);
    }

    /** Validates the parameters and keeps branch, received and rport, in one pass. */
    private boolean knownParams(final byte[] bytes, final int from, final int end)
    {
        int i = from;
        while (i < end)
        {
            i = Params.next(bytes, i, end, param);
            if (i < 0)
            {
                return false;
            }
            if (param.nameIs(bytes, BRANCH))
            {
                branch.wrap(buffer, param.valueStart, param.valueLength());
            }
            else if (param.nameIs(bytes, RECEIVED))
            {
                received.wrap(buffer, param.valueStart, param.valueLength());
            }
            else if (param.nameIs(bytes, RPORT))
            {
                hasRport = true;
                if (param.valueLength() > 0)
                {
                    rport = (int)SipChars.parseNumber(bytes, param.valueStart, param.valueEnd, 5, SipChars.MAX_PORT);
                    if (rport < 0)
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static int hostEnd(final byte[] bytes, final int from, final int end)
    {
        if (from < end && bytes[from] == '[')
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

    private static int expectToken(final byte[] bytes, final int from, final int end)
    {
        if (from < 0)
        {
            return -1;
        }
        final int tokenEnd = SipChars.skipToken(bytes, from, end);
        return tokenEnd == from ? -1 : SipChars.skipLws(bytes, tokenEnd, end);
    }

    private static int expectSlash(final byte[] bytes, final int from, final int end)
    {
        if (from < 0 || from >= end || bytes[from] != '/')
        {
            return -1;
        }
        return SipChars.skipLws(bytes, from + 1, end);
    }
}
