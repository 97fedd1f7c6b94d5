package dev.referee.sip;

import org.agrona.DirectBuffer;

/** Finds message boundaries in a TCP byte stream by Content-Length (RFC 3261 §18.3). */
public final class StreamFramer
{
    /** More bytes are needed before a whole message is there. */
    public static final int INCOMPLETE = 0;
    /** The stream cannot be framed (no or bad Content-Length, header section too large): close the connection. */
    public static final int MALFORMED = -1;

    private StreamFramer()
    {
    }

    /** Number of leading CR/LF bytes (keep-alives, RFC 5626 §3.5.1) to skip before a message. */
    public static int leadingLineBreaks(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    /**
     * The length of the complete message starting at {@code offset} (headers plus Content-Length bytes of body),
     * {@link #INCOMPLETE}, or {@link #MALFORMED}. Call after skipping {@link #leadingLineBreaks}.
     */
    public static int frame(final DirectBuffer buffer, final int offset, final int length, final int maxMessageLength)
    {
        throw new UnsupportedOperationException("codec");
    }
}
