package dev.referee.transport;

import dev.referee.ring.InboundEvent;
import dev.referee.sip.Responses;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Writes the stateless 503 Service Unavailable (RFC 3261 §21.5.4) a receive thread sends itself when the engine must
 * not get more work: to a new call {@link Admission} sheds, or to a request that arrives while the inbound ring is
 * full. Only new work is refused this way (RFC 6357): a request of an established dialog (To tag), a CANCEL, an ACK,
 * a response or a malformed message gets no 503 and is dropped by the caller (counted); over UDP its sender
 * retransmits it.
 * <p>
 * One per receive thread: it owns a {@link SipMessage} and a response buffer and is not thread-safe.
 */
public final class OverloadResponder
{
    public static final int STATUS = 503;
    public static final String REASON = "Service Unavailable";
    public static final String WARNING = "overloaded";

    private final SipMessage request = new SipMessage();
    private final SipMessageWriter writer = new SipMessageWriter();
    private final ByteBuffer responseByteBuffer = ByteBuffer.allocateDirect(InboundEvent.MAX_MESSAGE_LENGTH);
    private final UnsafeBuffer responseBuffer = new UnsafeBuffer(responseByteBuffer);
    private final String agent;
    private final int retryAfterSeconds;

    public OverloadResponder(final String agent)
    {
        this(agent, 0);
    }

    /** @param retryAfterSeconds {@code overload.retry-after}: the Retry-After of every 503; 0 for none. */
    public OverloadResponder(final String agent, final int retryAfterSeconds)
    {
        this.agent = agent;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * The 503 for {@code request}, already parsed (valid until the next call), or null when it is not new work: a
     * response, an ACK, a CANCEL or a request inside a dialog.
     */
    public ByteBuffer respondTo(final SipMessage request)
    {
        if (!request.isRequest() || request.method() == SipMethod.ACK || request.method() == SipMethod.CANCEL ||
            !request.to().tag().isEmpty())
        {
            return null;
        }
        writer.wrap(responseBuffer, 0);
        if (Responses.error(request, STATUS, REASON, WARNING, agent, retryAfterSeconds, writer) == null)
        {
            return null; // too large to answer: dropped, as when the ring is full
        }
        responseByteBuffer.clear().limit(writer.length());
        return responseByteBuffer;
    }

    /**
     * @return the 503 ready to write (position 0, limit at its end; valid until the next call), or null when the
     * message is not new work (see {@link #respondTo}) or does not parse.
     */
    public ByteBuffer respond(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            return request.parse(buffer, offset, length) ? respondTo(request) : null;
        }
        catch (final RuntimeException ex)
        {
            // The receive thread must survive anything a peer sends; an unanswerable message is dropped.
            return null;
        }
    }
}
