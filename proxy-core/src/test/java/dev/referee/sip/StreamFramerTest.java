package dev.referee.sip;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamFramerTest
{
    private static final int MAX = 4096;
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

    private static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void shouldWaitForTheRestOfAMessageSplitAcrossReads()
    {
        final UnsafeBuffer buffer = bytes(OPTIONS);
        for (int length = 0; length < OPTIONS.length(); length++)
        {
            assertEquals(StreamFramer.INCOMPLETE, StreamFramer.frame(buffer, 0, length, MAX), "at " + length);
        }
        assertEquals(OPTIONS.length(), StreamFramer.frame(buffer, 0, OPTIONS.length(), MAX));
    }

    @Test
    void shouldFrameTwoMessagesInOneRead()
    {
        final UnsafeBuffer buffer = bytes(OPTIONS + OPTIONS.replace("f1", "f2"));
        final int first = StreamFramer.frame(buffer, 0, buffer.capacity(), MAX);
        assertEquals(OPTIONS.length(), first);
        final int second = StreamFramer.frame(buffer, first, buffer.capacity() - first, MAX);
        assertEquals(OPTIONS.length(), second);
        final SipMessage message = new SipMessage();
        assertTrue(message.parse(buffer, first, second));
        assertEquals("f2", message.callId().toString());
        assertEquals("hello", buffer.getStringWithoutLengthAscii(message.bodyOffset(), message.bodyLength()));
    }

    @Test
    void shouldSkipKeepAliveLineBreaks()
    {
        final UnsafeBuffer buffer = bytes("\r\n\r\n" + OPTIONS);
        final int skip = StreamFramer.leadingLineBreaks(buffer, 0, buffer.capacity());
        assertEquals(4, skip);
        assertEquals(OPTIONS.length(), StreamFramer.frame(buffer, skip, buffer.capacity() - skip, MAX));
        assertEquals(2, StreamFramer.leadingLineBreaks(bytes("\r\n"), 0, 2));
        assertEquals(0, StreamFramer.leadingLineBreaks(buffer, 4, buffer.capacity() - 4));
    }

    @Test
    void shouldRejectAStreamMessageWithoutContentLength()
    {
        final UnsafeBuffer buffer = bytes(OPTIONS.replace("l: 5\r\n", "").replace("hello", ""));
        assertEquals(StreamFramer.MALFORMED, StreamFramer.frame(buffer, 0, buffer.capacity(), MAX));
    }

    @Test
    void shouldRejectBadOrConflictingContentLength()
    {
        assertEquals(StreamFramer.MALFORMED,
            StreamFramer.frame(bytes(OPTIONS.replace("l: 5", "l: -5")), 0, OPTIONS.length() + 1, MAX));
        final String twice = OPTIONS.replace("l: 5\r\n", "l: 5\r\nContent-Length: 6\r\n");
        assertEquals(StreamFramer.MALFORMED, StreamFramer.frame(bytes(twice), 0, twice.length(), MAX));
    }

    @Test
    void shouldRejectHeadersLargerThanTheLimit()
    {
        final UnsafeBuffer buffer = bytes(OPTIONS);
        assertEquals(StreamFramer.MALFORMED, StreamFramer.frame(buffer, 0, buffer.capacity(), 64));
        assertEquals(StreamFramer.MALFORMED, StreamFramer.frame(buffer, 0, buffer.capacity(), OPTIONS.length() - 1));
    }
}
