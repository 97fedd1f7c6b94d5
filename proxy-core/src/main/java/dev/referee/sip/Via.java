package dev.referee.sip;

import org.agrona.DirectBuffer;

/** View of one Via value: {@code SIP/2.0/UDP host:port;branch=..;received=..;rport=..} (RFC 3261 §20.42, RFC 3581). */
public final class Via
{
    /** Parses one Via value; false when malformed. */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The whole value. */
    public AsciiView value()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** "UDP", "TCP", "TLS", ... as received. */
    public AsciiView transport()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** sent-by host; an IPv6 reference keeps its brackets. */
    public AsciiView host()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** sent-by port, or -1 when absent. */
    public int port()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** branch parameter; empty when absent. */
    public AsciiView branch()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** True when the branch starts with the RFC 3261 magic cookie "z9hG4bK". */
    public boolean hasRfc3261Branch()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** received parameter; empty when absent. */
    public AsciiView received()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** True when an rport parameter is present, with or without a value. */
    public boolean hasRport()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** rport value, or -1 when absent or empty. */
    public int rport()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }
}
