package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * View of a name-addr or addr-spec with header parameters, as in From, To, Contact, Route, Record-Route,
 * Refer-To and Referred-By (RFC 3261 §20.10, §25.1). In the addr-spec form without angle brackets,
 * parameters after the URI belong to the header, not the URI (RFC 3261 §20).
 */
public final class NameAddr
{
    /** Parses one value; false when malformed (unbalanced quotes or brackets, bad URI). */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView value()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Display name as written (quotes kept when quoted); empty when absent. */
    public AsciiView displayName()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The URI text, without angle brackets. */
    public AsciiView uri()
    {
        throw new UnsupportedOperationException("codec");
    }

    public SipUri uriView()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The tag parameter; empty when absent. */
    public AsciiView tag()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Header parameters after the URI, including the leading ';'; empty when none. */
    public AsciiView params()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at header parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }
}
