package dev.referee.transport;

import dev.referee.pipeline.InboundEvent;
import dev.referee.sip.Responses;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Answers a request that arrives while the inbound ring is full with a stateless 503 Service Unavailable
 * (RFC 3261 §21.5.4), written by the receive thread itself because the engine cannot take more work.
 * Responses and ACKs get no answer (nothing may answer them) and are dropped by the caller.
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

    public OverloadResponder(final String agent)
    {
        this.agent = agent;
    }

    /**
     * @return the 503 ready to write (position 0, limit at its end; valid until the next call), or null when the
     * message is a response, an ACK, or too broken to answer.
     */
    public ByteBuffer respond(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            final boolean parsed = request.parse(buffer, offset, length);
            final boolean answerable = parsed ?
                request.isRequest() && request.method() != SipMethod.ACK : request.canRespond();
            if (!answerable)
            {
                return null;
            }

            writer.wrap(responseBuffer, 0);
            Responses.error(request, STATUS, REASON, WARNING, agent, writer);
            responseByteBuffer.clear().limit(writer.length());
            return responseByteBuffer;
        }
        catch (final RuntimeException ex)
        {
            // The receive thread must survive anything a peer sends; an unanswerable message is dropped.
            return null;
        }
    }
}
