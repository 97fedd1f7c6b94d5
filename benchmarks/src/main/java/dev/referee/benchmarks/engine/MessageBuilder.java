package dev.referee.benchmarks.engine;

import dev.referee.sip.AsciiView;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Writes a message into a reused buffer from preformatted constants, numbers and views of other messages: the
 * simulated phones must cost little next to the engine, so no String is built per message.
 */
final class MessageBuilder
{
    private static final byte[] CRLF = ascii("\r\n");

    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    int length;

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    MessageBuilder reset()
    {
        length = 0;
        return this;
    }

    MessageBuilder append(final byte[] constant)
    {
        buffer.putBytes(length, constant);
        length += constant.length;
        return this;
    }

    MessageBuilder append(final AsciiView view)
    {
        buffer.putBytes(length, view.buffer(), view.offset(), view.length());
        length += view.length();
        return this;
    }

    MessageBuilder append(final long number)
    {
        length += buffer.putLongAscii(length, number);
        return this;
    }

    MessageBuilder crlf()
    {
        return append(CRLF);
    }
}
