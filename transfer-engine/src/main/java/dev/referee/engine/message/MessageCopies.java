package dev.referee.engine.message;

import org.agrona.DirectBuffer;

/**
 * Reused buffers for the copies the engine keeps of messages it sent ({@link StoredMessage}): free lists by size,
 * powers of two from 256 bytes to 64 KiB. Most copies live for a bounded time (until a final response, an ACK, or
 * Timer J/K/L), so after a while every copy comes from a buffer an earlier one gave back and none is allocated; a
 * copy given back while its size's free list already holds {@link #MAX_FREE_BYTES} is left to the collector, so
 * that a burst does not keep its memory for good. Engine thread only.
 */
public final class MessageCopies
{
    private static final int MIN_SHIFT = 8;
    private static final int MAX_SHIFT = 16;
    /** Bytes of free buffers kept per size: many seconds of traffic (131,072 buffers of 256 bytes, 512 of 64 KiB). */
    static final int MAX_FREE_BYTES = 32 << 20;

    private final StoredMessage[][] free = new StoredMessage[MAX_SHIFT + 1][];
    private final int[] freeCount = new int[MAX_SHIFT + 1];

    public MessageCopies()
    {
        for (int shift = MIN_SHIFT; shift <= MAX_SHIFT; shift++)
        {
            free[shift] = new StoredMessage[16];
        }
    }

    /** A copy of {@code length} bytes of {@code source} at {@code offset}. */
    public StoredMessage copy(final DirectBuffer source, final int offset, final int length)
    {
        final int shift = Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(length, 1) - 1));
        final StoredMessage message;
        if (shift <= MAX_SHIFT && freeCount[shift] > 0)
        {
            final int top = --freeCount[shift];
            message = free[shift][top];
            free[shift][top] = null;
        }
        else
        {
            message = new StoredMessage(new byte[1 << Math.min(shift, 31)], 0);
        }
        message.buffer.putBytes(0, source, offset, length);
        message.length = length;
        return message;
    }

    /** Gives a copy back; the caller must not use it again. Harmless for null. */
    public void release(final StoredMessage message)
    {
        if (message == null)
        {
            return;
        }
        // A copy restored from a snapshot has its exact length: it goes to the largest size it can hold.
        final int shift = 31 - Integer.numberOfLeadingZeros(message.capacity());
        if (shift < MIN_SHIFT || shift > MAX_SHIFT || freeCount[shift] >= MAX_FREE_BYTES >> shift)
        {
            return;
        }
        StoredMessage[] stack = free[shift];
        if (freeCount[shift] == stack.length)
        {
            stack = java.util.Arrays.copyOf(stack, stack.length * 2);
            free[shift] = stack;
        }
        stack[freeCount[shift]++] = message;
    }
}
