package dev.referee.engine;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.message.MessageCopies;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class MessageCopiesTest
{
    private final MessageCopies copies = new MessageCopies();

    @Test
    void shouldCopyTheBytesGiven()
    {
        final byte[] text = "SIP/2.0 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final StoredMessage copy = copies.copy(new UnsafeBuffer(text), 0, text.length);
        assertEquals(text.length, copy.length());
        assertArrayEquals(text, StoredMessage.bytesOf(copy));
    }

    @Test
    void shouldReuseABufferGivenBackForACopyOfTheSameSize()
    {
        final UnsafeBuffer source = new UnsafeBuffer(new byte[1000]);
        final StoredMessage first = copies.copy(source, 0, 300);
        copies.release(first);
        assertSame(first, copies.copy(source, 0, 500));
        assertNotSame(first, copies.copy(source, 0, 500));
        assertNotSame(first, copies.copy(source, 0, 200)); // a smaller size has its own free list
    }

    @Test
    void shouldReuseACopyRestoredFromASnapshotForSmallerOnes()
    {
        final StoredMessage restored = StoredMessage.of(new byte[700]);
        copies.release(restored);
        final StoredMessage copy = copies.copy(new UnsafeBuffer(new byte[512]), 0, 512);
        assertSame(restored, copy);
        assertEquals(512, copy.length());
    }

    @Test
    void shouldIgnoreNull()
    {
        copies.release(null);
        assertNull(StoredMessage.bytesOf(null));
        assertNull(StoredMessage.of(null));
    }
}
