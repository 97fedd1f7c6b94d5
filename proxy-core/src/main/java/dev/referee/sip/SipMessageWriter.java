package dev.referee.sip;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Builds a SIP message in place in a buffer: start line, headers, then the body with a computed
 * Content-Length. Arguments are CharSequences so that an {@link AsciiView} over a received message
 * (copied as bytes) and a String constant are written the same way. No allocation.
 */
public final class SipMessageWriter
{
    /** Starts writing at {@code offset}. */
    public SipMessageWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        throw new UnsupportedOperationException("codec");
    }

    public MutableDirectBuffer buffer()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code METHOD uri SIP/2.0 CRLF} */
    public SipMessageWriter requestLine(final CharSequence method, final CharSequence requestUri)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code SIP/2.0 code reason CRLF} */
    public SipMessageWriter statusLine(final int statusCode, final CharSequence reason)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code name: value CRLF} */
    public SipMessageWriter header(final CharSequence name, final CharSequence value)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code name: number CRLF} */
    public SipMessageWriter header(final CharSequence name, final long value)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code name: } : continue with {@link #append} and end with {@link #endHeader()}. */
    public SipMessageWriter startHeader(final CharSequence name)
    {
        throw new UnsupportedOperationException("codec");
    }

    public SipMessageWriter append(final CharSequence text)
    {
        throw new UnsupportedOperationException("codec");
    }

    public SipMessageWriter append(final long number)
    {
        throw new UnsupportedOperationException("codec");
    }

    public SipMessageWriter append(final char c)
    {
        throw new UnsupportedOperationException("codec");
    }

    public SipMessageWriter append(final DirectBuffer source, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** CRLF after a header started with {@link #startHeader}. */
    public SipMessageWriter endHeader()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@code Content-Length: 0}, the blank line; the message is complete. */
    public SipMessageWriter endWithoutBody()
    {
        throw new UnsupportedOperationException("codec");
    }

    /**
     * {@code Content-Type} (when {@code contentType} is not empty), {@code Content-Length}, the blank line and
     * the body bytes; the message is complete.
     */
    public SipMessageWriter endWithBody(final CharSequence contentType, final DirectBuffer body, final int offset,
        final int length)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Bytes written since {@link #wrap}. */
    public int length()
    {
        throw new UnsupportedOperationException("codec");
    }
}
