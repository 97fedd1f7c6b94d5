package dev.referee.sip.sdp;

import dev.referee.sip.AsciiView;
import org.agrona.DirectBuffer;

/**
 * View of an SDP body (RFC 4566): origin, session connection, media descriptions and attributes,
 * enough to see where media goes and whether a side is on hold (RFC 3264 §8.4).
 */
public final class SessionDescription
{
    /** Most media descriptions indexed; more is a parse failure. */
    public static final int MAX_MEDIA = 16;

    /** Direction attributes as flags. */
    public static final int SENDRECV = 0;
    public static final int SENDONLY = 1;
    public static final int RECVONLY = 2;
    public static final int INACTIVE = 3;

    /** Parses; false when it is not SDP (missing v=, o=, s= or malformed lines). */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView originUsername() { throw new UnsupportedOperationException("codec"); }

    public AsciiView originSessionId() { throw new UnsupportedOperationException("codec"); }

    public AsciiView originSessionVersion() { throw new UnsupportedOperationException("codec"); }

    /** o= unicast address. */
    public AsciiView originAddress() { throw new UnsupportedOperationException("codec"); }

    /** Session-level c= address; empty when absent. */
    public AsciiView connectionAddress() { throw new UnsupportedOperationException("codec"); }

    /** Session-level direction attribute, {@link #SENDRECV} when none. */
    public int direction() { throw new UnsupportedOperationException("codec"); }

    public int mediaCount() { throw new UnsupportedOperationException("codec"); }

    /** "audio", "video", ... */
    public AsciiView mediaType(final int index) { throw new UnsupportedOperationException("codec"); }

    public int mediaPort(final int index) { throw new UnsupportedOperationException("codec"); }

    /** "RTP/AVP", ... */
    public AsciiView mediaProtocol(final int index) { throw new UnsupportedOperationException("codec"); }

    /** Formats list as written ("0 8 101"). */
    public AsciiView mediaFormats(final int index) { throw new UnsupportedOperationException("codec"); }

    /** Media-level c= address, falling back to the session-level one. */
    public AsciiView mediaConnectionAddress(final int index) { throw new UnsupportedOperationException("codec"); }

    /** Media-level direction, falling back to the session-level one; c=0.0.0.0 reads as {@link #SENDONLY}... */
    public int mediaDirection(final int index) { throw new UnsupportedOperationException("codec"); }

    /** Points {@code into} at the value of the first a={@code name} of media {@code index} (-1: session). */
    public boolean attribute(final int index, final CharSequence name, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }
}
