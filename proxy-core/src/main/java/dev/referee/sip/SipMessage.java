package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * A parsed SIP message: a flyweight over the bytes it was parsed from (RFC 3261 §7).
 * <p>
 * {@link #parse} indexes the start line and every header (name id, name range, value range); values of
 * list headers (Via, Route, Record-Route, Contact, ...) are split at top-level commas into one index entry
 * each. Typed views (Via, From, To, Contact, CSeq...) are parsed on first use and cached until the next
 * {@link #parse}. No allocation after construction. Not thread-safe: one instance per pipeline slot.
 */
public final class SipMessage
{
    /** Most header values (after list splitting) a message may carry; more is a parse failure. */
    public static final int MAX_HEADERS = 256;

    /**
     * Parses {@code length} bytes at {@code offset}. The message ends where Content-Length says; bytes
     * after it (RFC 4475 §3.1.1.8) are ignored and {@link #length()} tells how many were used.
     *
     * @return true when the message is valid enough to be processed; otherwise {@link #errorReason()} says why.
     */
    public boolean parse(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec: SipMessage.parse");
    }

    /** After a failed parse: a constant, human-readable reason, e.g. "Malformed Via header". */
    public String errorReason()
    {
        throw new UnsupportedOperationException("codec");
    }

    /**
     * After a failed parse: true when the message is a request (not ACK) whose Via, From, To, Call-ID and
     * CSeq could be read, so that a 400 can be sent back.
     */
    public boolean canRespond()
    {
        throw new UnsupportedOperationException("codec");
    }

    public DirectBuffer buffer()
    {
        throw new UnsupportedOperationException("codec");
    }

    public int offset()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Bytes of this message: start line, headers, blank line and Content-Length bytes of body. */
    public int length()
    {
        throw new UnsupportedOperationException("codec");
    }

    public boolean isRequest()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The request's method, or for a response the CSeq method, as a {@link SipMethod} flag. */
    public int method()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The method text of the request line (or of CSeq for a response); kept for unknown methods. */
    public AsciiView methodName()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Request-URI text as received. */
    public AsciiView requestUri()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Request-URI parsed. */
    public SipUri requestUriView()
    {
        throw new UnsupportedOperationException("codec");
    }

    public int statusCode()
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView reasonPhrase()
    {
        throw new UnsupportedOperationException("codec");
    }

    // ---- the header index ------------------------------------------------------------------------------

    /** Number of indexed header values (list headers count once per value). */
    public int headerCount()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** {@link HeaderName} id of entry {@code index}. */
    public int headerId(final int index)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at the name of entry {@code index}, as received (compact or long form). */
    public AsciiView headerName(final int index, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at the value of entry {@code index}, leading and trailing whitespace trimmed. */
    public AsciiView headerValue(final int index, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Index of the first entry with {@code headerId} at or after {@code fromIndex}; -1 when none. */
    public int findHeader(final int headerId, final int fromIndex)
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Points {@code into} at the first value of {@code headerId}; returns false (and resets it) when absent. */
    public boolean header(final int headerId, final AsciiView into)
    {
        throw new UnsupportedOperationException("codec");
    }

    // ---- typed views (parsed on first use) -----------------------------------------------------------------

    /** The first (topmost) Via value. */
    public Via topVia()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Number of Via values. */
    public int viaCount()
    {
        throw new UnsupportedOperationException("codec");
    }

    public NameAddr from()
    {
        throw new UnsupportedOperationException("codec");
    }

    public NameAddr to()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The first Contact value; {@code null} when there is none or it is "*". */
    public NameAddr contact()
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView callId()
    {
        throw new UnsupportedOperationException("codec");
    }

    public long cseqNumber()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** CSeq method as a {@link SipMethod} flag. */
    public int cseqMethod()
    {
        throw new UnsupportedOperationException("codec");
    }

    public AsciiView cseqMethodName()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Max-Forwards value, or -1 when absent. */
    public int maxForwards()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** Content-Length value (0 when absent on a datagram). */
    public int contentLength()
    {
        throw new UnsupportedOperationException("codec");
    }

    /** The Content-Type value as received; empty when absent. */
    public AsciiView contentType()
    {
        throw new UnsupportedOperationException("codec");
    }

    public int bodyOffset()
    {
        throw new UnsupportedOperationException("codec");
    }

    public int bodyLength()
    {
        throw new UnsupportedOperationException("codec");
    }
}
