package dev.referee.transport;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The stateless {@code 403 Forbidden} a receive thread answers to a request from a source in no trunk
 * ({@code security.unknown-sources: reject}). Built so that it cannot be used for amplification: one packet, never
 * retransmitted, holding only what the sender needs to match it (RFC 3261 §8.2.6): the top Via, From, To with a tag,
 * Call-ID, CSeq, a {@code Reason} (RFC 3326) saying why, no body. Everything in it but {@link #OWN_BYTES} is copied
 * from the request, so it is never more than that longer than the request it answers.
 * Every copied value is bounded ({@link #MAX_VALUE_LENGTH}); a request whose values are longer, or that does not
 * parse, gets no answer (the caller counts it as dropped).
 * <p>
 * One per receive thread: it owns a {@link SipMessage} and its response buffer.
 */
final class ForbiddenResponder
{
    static final int STATUS = 403;
    static final String REASON = "Forbidden";
    /** RFC 3326 Reason header: protocol, cause, and the text that tells an operator what to fix. */
    static final String REASON_HEADER = "SIP ;cause=403 ;text=\"source address not in any trunk\"";
    /** Longest Via, From, To, Call-ID or CSeq value copied; real ones are well under 200 bytes. */
    static final int MAX_VALUE_LENGTH = 256;
    /** Five bounded values, their names, the status line, the tag and the Reason fit in this. */
    static final int MAX_RESPONSE_LENGTH = 2048;
    /**
     * Bytes of its own the 403 may add to what it copies: status line, header names, To tag, Reason, Content-Length.
     * A request is a request line and five of those headers at the least, so a 403 is at most about 1.5 times the
     * smallest request that gets one, and smaller than any request with a body.
     */
    static final int OWN_BYTES = 200;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SipMessage request = new SipMessage();
    private final SipMessageWriter writer = new SipMessageWriter();
    private final AsciiView value = new AsciiView();
    private final ByteBuffer responseByteBuffer = ByteBuffer.allocateDirect(MAX_RESPONSE_LENGTH);
    private final UnsafeBuffer responseBuffer = new UnsafeBuffer(responseByteBuffer);

    /**
     * @return the 403 for the request in {@code buffer} (position 0, limit at its end; valid until the next call),
     * or null when no answer is to be sent: a response, an ACK, or a message that does not parse or whose values
     * exceed the bounds.
     */
    ByteBuffer respond(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            if (!request.parse(buffer, offset, length) || !request.isRequest() || request.method() == SipMethod.ACK)
            {
                return null;
            }
            return write(length);
        }
        catch (final RuntimeException ex)
        {
            return null; // a receive thread survives anything a peer sends; an unanswerable request is dropped
        }
    }

    private ByteBuffer write(final int requestLength)
    {
        writer.wrap(responseBuffer, 0);
        writer.statusLine(STATUS, REASON);
        if (!start(HeaderName.VIA, "Via") || !start(HeaderName.FROM, "From") || !start(HeaderName.TO, "To"))
        {
            return null;
        }
        if (request.to().tag().isEmpty())
        {
            // Deterministic: nothing is kept for it, and a retransmitted request gets the same bytes.
            appendTag(tag());
        }
        if (!start(HeaderName.CALL_ID, "Call-ID") || !start(HeaderName.CSEQ, "CSeq"))
        {
            return null;
        }
        writer.endHeader();
        writer.header("Reason", REASON_HEADER);
        writer.endWithoutBody();
        if (writer.length() > requestLength + OWN_BYTES)
        {
            return null; // cannot happen with the values bounded and copied once; kept as the rule's last guard
        }
        responseByteBuffer.clear().limit(writer.length());
        return responseByteBuffer;
    }

    /**
     * Ends the header before (if any) and starts this one with the request's first value of {@code id} (of Via, only
     * the top one), leaving it open for a tag. False when the header is absent or its value too long.
     */
    private boolean start(final int id, final String name)
    {
        final int index = request.findHeader(id, 0);
        if (index < 0)
        {
            return false;
        }
        request.headerValue(index, value);
        final int length = id == HeaderName.VIA ? topValueLength() : value.length();
        if (length > MAX_VALUE_LENGTH)
        {
            return false;
        }
        if (id != HeaderName.VIA)
        {
            writer.endHeader();
        }
        writer.startHeader(name).append(value.buffer(), value.offset(), length);
        return true;
    }

    /** The first Via value of a header line that may list several (only the top one routes the answer back). */
    private int topValueLength()
    {
        for (int i = 0; i < value.length(); i++)
        {
            if (value.byteAt(i) == ',')
            {
                int end = i;
                while (end > 0 && (value.byteAt(end - 1) == ' ' || value.byteAt(end - 1) == '\t'))
                {
                    end--;
                }
                return end;
            }
        }
        return value.length();
    }

    private void appendTag(final int tag)
    {
        writer.append(";tag=");
        for (int shift = 28; shift >= 0; shift -= 4)
        {
            writer.append((char)HEX[(tag >>> shift) & 0xF]);
        }
    }

    private int tag()
    {
        int hash = 0x811C9DC5;
        hash = hash(hash, request.callId());
        hash = hash(hash, request.from().tag());
        return hash;
    }

    private static int hash(final int seed, final AsciiView text)
    {
        int hash = seed;
        for (int i = 0; i < text.length(); i++)
        {
            hash = (hash ^ text.byteAt(i)) * 0x01000193;
        }
        return hash;
    }
}
