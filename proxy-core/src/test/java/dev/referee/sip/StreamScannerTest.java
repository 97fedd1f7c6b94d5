package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamScannerTest
{
    private static final int MAX = 65_535;
    private static final String OPTIONS =
        "OPTIONS sip:a@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:b@example.com>;tag=1\r\n" +
        "To: <sip:a@example.com>\r\n" +
        "Call-ID: f1\r\n" +
        "CSeq: 1 OPTIONS\r\n" +
        "l: 5\r\n" +
        "\r\n" +
        "hello";

    /** Counts the bytes the framer reads, so that a test can tell one pass from many. */
    private static final class CountingBuffer extends UnsafeBuffer
    {
        long reads;

        CountingBuffer(final byte[] bytes)
        {
            super(bytes);
        }

        @Override
        public byte getByte(final int index)
        {
            reads++;
            return super.getByte(index);
        }
    }

    @Test
    void shouldFrameLikeStreamFramerWhateverTheSplit()
    {
        final String two = OPTIONS + OPTIONS.replace("f1", "f2");
        final UnsafeBuffer buffer = new UnsafeBuffer(two.getBytes(StandardCharsets.US_ASCII));
        for (int step = 1; step <= 64; step++)
        {
            final StreamScanner scanner = new StreamScanner();
            int start = 0;
            int framed = 0;
            for (int end = Math.min(step, two.length()); ; end = Math.min(end + step, two.length()))
            {
                int length;
                while ((length = scanner.frame(buffer, start, end - start, MAX)) > 0)
                {
                    assertEquals(StreamFramer.frame(buffer, start, end - start, MAX), length, "step " + step);
                    scanner.reset();
                    start += length;
                    framed++;
                }
                assertEquals(StreamFramer.INCOMPLETE, length);
                if (end == two.length())
                {
                    break;
                }
            }
            assertEquals(2, framed, "step " + step);
            assertEquals(two.length(), start);
        }
    }

    @Test
    void shouldLookAtEachByteOnceWhenAMessageTricklesInAByteAtATime()
    {
        final StringBuilder text = new StringBuilder("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 0\r\n");
        while (text.length() < 30_000)
        {
            text.append("X-Padding: ").append("p".repeat(60)).append("\r\n");
        }
        text.append("\r\n");
        final CountingBuffer buffer = new CountingBuffer(text.toString().getBytes(StandardCharsets.US_ASCII));

        final StreamScanner scanner = new StreamScanner();
        int result = StreamFramer.INCOMPLETE;
        for (int end = 1; end <= text.length() && result == StreamFramer.INCOMPLETE; end++)
        {
            result = scanner.frame(buffer, 0, end, MAX);
        }

        assertEquals(text.length(), result);
        // One pass, plus a few bytes per line for its header name: re-framing from the start on every byte would
        // read some 450 million.
        assertTrue(buffer.reads < 3L * text.length(), "bytes read: " + buffer.reads);
    }

    @Test
    void shouldRefuseStreamsThatCannotBeFramed()
    {
        assertEquals(StreamFramer.MALFORMED, frameAll("OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n"));
        assertEquals(StreamFramer.MALFORMED, frameAll("OPTIONS sip:a SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab"));
        assertEquals(StreamFramer.MALFORMED, frameAll("OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999\r\n\r\n"));

        final StreamScanner scanner = new StreamScanner();
        final UnsafeBuffer huge = new UnsafeBuffer(new byte[MAX]);
        huge.setMemory(0, MAX, (byte)'a');
        assertEquals(StreamFramer.MALFORMED, scanner.frame(huge, 0, MAX, MAX), "a header section that never ends");
    }

    private static int frameAll(final String text)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
        return new StreamScanner().frame(buffer, 0, text.length(), 4096);
    }
}
