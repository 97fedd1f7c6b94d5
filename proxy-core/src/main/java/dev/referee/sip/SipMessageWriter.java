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
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MutableDirectBuffer buffer;
    private int start;
    private int position;

    /** Starts writing at {@code offset}. */
    public SipMessageWriter wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        return this;
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** {@code METHOD uri SIP/2.0 CRLF} */
    public SipMessageWriter requestLine(final CharSequence method, final CharSequence requestUri)
    {
        return append(method).append(' ').append(requestUri).append(" SIP/2.0").crlf();
    }

    /** {@code SIP/2.0 code reason CRLF} */
    public SipMessageWriter statusLine(final int statusCode, final CharSequence reason)
    {
        return append("SIP/2.0 ").append(statusCode).append(' ').append(reason).crlf();
    }

    /** {@code name: value CRLF} */
    public SipMessageWriter header(final CharSequence name, final CharSequence value)
    {
        return startHeader(name).append(value).crlf();
    }

    /** {@code name: number CRLF} */
    public SipMessageWriter header(final CharSequence name, final long value)
    {
        return startHeader(name).append(value).crlf();
    }

    /** {@code name: } : continue with {@link #append} and end with {@link #endHeader()}. */
    public SipMessageWriter startHeader(final CharSequence name)
    {
        return append(name).append(':').append(' ');
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, as wanted
    public SipMessageWriter append(final CharSequence text)
    {
        if (text instanceof AsciiView)
        {
            // Fast path: bytes of a received message are copied as they are.
            final AsciiView view = (AsciiView)text;
            if (view.length() > 0)
            {
                buffer.putBytes(position, view.buffer(), view.offset(), view.length());
                position += view.length();
            }
            return this;
        }
        final int length = text.length();
        final byte[] array = buffer.byteArray();
        if (text instanceof String && array != null)
        {
            // Most of what the engine writes is Strings (header names, a leg's URIs and tags) into a heap buffer:
            // String.getBytes copies a Latin-1 String with one array copy instead of a bounds-checked putByte per
            // character (it was the engine's top self-time frame), keeping the low byte of each char the same way.
            buffer.boundsCheck(position, length);
            ((String)text).getBytes(0, length, array, buffer.wrapAdjustment() + position);
            position += length;
            return this;
        }
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(position++, (byte)text.charAt(i));
        }
        return this;
    }

    public SipMessageWriter append(final long number)
    {
        position += buffer.putLongAscii(position, number);
        return this;
    }

    public SipMessageWriter append(final char c)
    {
        buffer.putByte(position++, (byte)c);
        return this;
    }

    public SipMessageWriter append(final DirectBuffer source, final int offset, final int length)
    {
        if (length > 0)
        {
            buffer.putBytes(position, source, offset, length);
            position += length;
        }
        return this;
    }

    /** Eight lower-case hex digits of {@code value}: for identifiers made without allocation. */
    SipMessageWriter appendHex(final int value)
    {
        for (int shift = 28; shift >= 0; shift -= 4)
        {
            buffer.putByte(position++, HEX[(value >>> shift) & 0xF]);
        }
        return this;
    }

    /** CRLF after a header started with {@link #startHeader}. */
    public SipMessageWriter endHeader()
    {
        return crlf();
    }

    /** {@code Content-Length: 0}, the blank line; the message is complete. */
    public SipMessageWriter endWithoutBody()
    {
        return header("Content-Length", 0).crlf();
    }

    /**
     * {@code Content-Type} (when {@code contentType} is not empty), {@code Content-Length}, the blank line and
     * the body bytes; the message is complete.
     */
    public SipMessageWriter endWithBody(final CharSequence contentType, final DirectBuffer body, final int offset,
        final int length)
    {
        if (contentType != null && contentType.length() > 0)
        {
            header("Content-Type", contentType);
        }
        return header("Content-Length", length).crlf().append(body, offset, length);
    }

    /** Bytes written since {@link #wrap}. */
    public int length()
    {
        return position - start;
    }

    private SipMessageWriter crlf()
    {
        buffer.putByte(position++, (byte)'\r');
        buffer.putByte(position++, (byte)'\n');
        return this;
    }
}
