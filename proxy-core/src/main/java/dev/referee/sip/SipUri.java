package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * View of a SIP, SIPS or TEL URI (RFC 3261 §19.1, RFC 3966); other schemes keep only scheme and text.
 * {@code sip:user:password@host:port;uri-parameters?headers}.
 */
public final class SipUri
{
    /** Parses; false when malformed. An unknown scheme parses (RFC 4475 §3.3.2) with {@link #isSip()} false. */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView value()
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView scheme()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** sip: or sips: */
    public boolean isSip()
    {
        throw new UnsupportedOperationException("codec");
    }

    public boolean isSips()
    {
        throw new UnsupportedOperationException("codec");
    }

    public boolean isTel()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** User part as written (escapes kept); for tel: the telephone number. Empty when absent. */
    public AsciiView user()
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView password()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Host; an IPv6 reference keeps its brackets. Empty for tel:. */
    public AsciiView host()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Port, or -1 when absent. */
    public int port()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** URI parameters including the leading ';'; empty when none. */
    public AsciiView params()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at URI parameter {@code name}'s value (empty for a flag); false when absent. */
    public boolean param(final CharSequence name, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Headers after '?', without the '?'; empty when none. */
    public AsciiView headers()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at URI header {@code name}'s value, still %-escaped; false when absent. */
    public boolean header(final CharSequence name, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }
}
