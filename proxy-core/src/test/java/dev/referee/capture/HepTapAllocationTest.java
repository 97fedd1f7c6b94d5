package dev.referee.capture;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tap sits on the receive and send threads' hot path: copying a message into the capture ring, and dropping it
 * when the ring is full, allocate nothing once the addresses have been seen.
 */
class HepTapAllocationTest
{
    @Test
    void shouldCopyAndDropWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect((1 << 20) + RingBufferDescriptor.TRAILER_LENGTH)));
        final HepTap tap = new HepTap(ring);
        final byte[] bytes = ("INVITE sip:bob@127.0.0.1 SIP/2.0\r\nCall-ID: x@y\r\nContent-Length: 0\r\n\r\n" +
            "x".repeat(400)).getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer message = new UnsafeBuffer(bytes);
        final InetSocketAddress phone = new InetSocketAddress("127.0.0.2", 5062);
        final InetSocketAddress referee = new InetSocketAddress("127.0.0.1", 5060);

        for (int i = 0; i < 20_000; i++)
        {
            cycle(ring, tap, message, phone, referee);
        }
        final long threadId = Thread.currentThread().getId();
        // The best of a few rounds: a late JIT recompilation is noise; a per-message allocation shows in every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 1_000; i++)
            {
                cycle(ring, tap, message, phone, referee);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(threadId) - before);
        }
        assertTrue(allocated < 64, "allocated " + allocated + " bytes over 1,000 ring fills");
        assertTrue(tap.dropped.get() > 0, "the ring filled: drops were measured too");
    }

    /** Fills the ring until a copy is dropped, then empties it. */
    private static void cycle(final ManyToOneRingBuffer ring, final HepTap tap, final UnsafeBuffer message,
        final InetSocketAddress phone, final InetSocketAddress referee)
    {
        final long dropped = tap.dropped.get();
        while (tap.dropped.get() == dropped)
        {
            tap.copy(17, phone, referee, message, 0, message.capacity(), 1);
        }
        int read = 0;
        while (ring.size() > 0) // one read stops at the end of the buffer, where a wrapped ring has its padding
        {
            read += ring.read((type, buffer, index, length) -> assertEquals(CaptureRecord.MSG_TYPE_ID, type));
        }
        assertTrue(read > 0);
    }
}
