package dev.referee.capture;

import dev.referee.ring.Counter;
import dev.referee.ring.PacketTap;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One transport thread's way into the capture ring: claims a record, writes the addresses, time and message bytes
 * into it ({@link CaptureRecord}) and commits it; the {@link HepAgent} does the rest on its own thread. Never
 * waits: when the ring is full (the collector or the agent is behind) the copy is dropped and counted in
 * {@link #dropped}.
 * <p>
 * Single-threaded: one tap per writer thread, which alone writes its counters. Allocation-free in the steady state:
 * the bytes of the last source and destination address are kept, since {@link InetAddress#getAddress()} copies.
 */
final class HepTap implements PacketTap
{
    /** Copies the ring had no room for; written by this tap's thread only. */
    final Counter dropped = new Counter();
    /** Copies put in the ring. */
    final Counter captured = new Counter();

    private final ManyToOneRingBuffer ring;
    private final AddressBytes sourceBytes = new AddressBytes();
    private final AddressBytes destinationBytes = new AddressBytes();

    HepTap(final ManyToOneRingBuffer ring)
    {
        this.ring = ring;
    }

    @Override
    public void copy(final int protocol, final InetSocketAddress source, final InetSocketAddress destination,
        final DirectBuffer buffer, final int offset, final int length, final long timeNs)
    {
        final int recordLength = CaptureRecord.HEADER_LENGTH + length;
        if (recordLength > ring.maxMsgLength())
        {
            dropped.increment();
            return;
        }
        final int index = ring.tryClaim(CaptureRecord.MSG_TYPE_ID, recordLength);
        if (index == RingBuffer.INSUFFICIENT_CAPACITY)
        {
            dropped.increment();
            return;
        }
        final AtomicBuffer out = ring.buffer();
        final byte[] from = sourceBytes.of(source);
        final byte[] to = destinationBytes.of(destination);
        out.putLong(index + CaptureRecord.TIME_OFFSET, timeNs);
        out.putInt(index + CaptureRecord.SOURCE_PORT_OFFSET, source == null ? 0 : source.getPort());
        out.putInt(index + CaptureRecord.DESTINATION_PORT_OFFSET, destination == null ? 0 : destination.getPort());
        out.putByte(index + CaptureRecord.PROTOCOL_OFFSET, (byte)protocol);
        // One family per record: a receiver takes both addresses in it (an IPv4 peer of an IPv6 socket is
        // reported by the JDK as an IPv4-mapped Inet4Address, so mixed records do not occur on a real socket).
        final boolean ipv6 = from.length == 16 || to.length == 16;
        out.putByte(index + CaptureRecord.IP_VERSION_OFFSET, (byte)(ipv6 ? 6 : 4));
        out.setMemory(index + CaptureRecord.SOURCE_ADDRESS_OFFSET, 2 * CaptureRecord.ADDRESS_LENGTH, (byte)0);
        out.putBytes(index + CaptureRecord.SOURCE_ADDRESS_OFFSET, from);
        out.putBytes(index + CaptureRecord.DESTINATION_ADDRESS_OFFSET, to);
        out.putBytes(index + CaptureRecord.HEADER_LENGTH, buffer, offset, length);
        ring.commit(index);
        captured.increment();
    }

    /** The bytes of the last address seen, looked up again only when another address object comes. */
    private static final class AddressBytes
    {
        private static final byte[] UNKNOWN = new byte[4];

        private InetAddress last;
        private byte[] bytes = UNKNOWN;

        byte[] of(final InetSocketAddress socketAddress)
        {
            final InetAddress address = socketAddress == null ? null : socketAddress.getAddress();
            if (address == null)
            {
                return UNKNOWN;
            }
            if (address != last)
            {
                last = address;
                bytes = address.getAddress(); // 4 bytes for IPv4, 16 for IPv6
            }
            return bytes;
        }
    }
}
