package dev.referee.benchmarks.engine;

import dev.referee.sip.SipMessage;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A copy of one message the engine sent, parsed so that the simulated phone can echo its Via, From, To, Call-ID
 * and CSeq. Copied because the engine reuses its encode buffer for the next message.
 */
final class Capture
{
    private static final int CAPACITY = 8192;

    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CAPACITY]);
    final SipMessage message = new SipMessage();
    int length;
    boolean filled;

    void copyFrom(final DirectBuffer source, final int offset, final int length)
    {
        if (length > CAPACITY)
        {
            throw new IllegalStateException("sent message larger than " + CAPACITY + " bytes");
        }
        buffer.putBytes(0, source, offset, length);
        this.length = length;
        filled = true;
    }

    void copyFrom(final Capture other)
    {
        copyFrom(other.buffer, 0, other.length);
    }

    void parse()
    {
        if (!filled)
        {
            throw new IllegalStateException("the engine did not send the message the phone waits for");
        }
        if (!message.parse(buffer, 0, length))
        {
            throw new IllegalStateException("engine sent a message that does not parse: " + message.errorReason() +
                "\n" + buffer.getStringWithoutLengthAscii(0, length));
        }
    }
}
