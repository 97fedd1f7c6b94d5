package dev.referee.transport;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The native memory of one recvmmsg(2) or sendmmsg(2) call: an array of {@code struct mmsghdr}, and for each slot an
 * {@code iovec}, a socket address and a data buffer, all in one direct buffer allocated once. Layouts are those of
 * Linux on 64-bit machines (x86-64 and AArch64 agree):
 * <pre>
 * mmsghdr (64): msghdr (56: name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48), len 56
 * iovec   (16): base 0, len 8
 * sockaddr_in (16): family 0, port 2 (network order), address 4
 * sockaddr_in6 (28): family 0, port 2, flowinfo 4, address 8, scope id 24
 * cmsghdr (16): len 0, level 8, type 12, data 16; SCM_TIMESTAMPNS's data a timespec: seconds 0, nanoseconds 8
 * </pre>
 * For receiving, message {@code i} uses slot {@code i}; for sending, message {@code k} may point to any slot (the
 * send side groups the datagrams of one socket, {@link #prepareSend}). One thread only.
 */
final class DatagramVector
{
    private static final int MESSAGE_BYTES = 64;
    private static final int IOVEC_BYTES = 16;
    /** Room for a sockaddr_in6 (28 bytes), rounded up. */
    private static final int NAME_BYTES = 32;
    private static final int NAME = 0;
    private static final int NAME_LENGTH = 8;
    private static final int IOV = 16;
    private static final int IOV_LENGTH = 24;
    private static final int CONTROL = 32;
    private static final int CONTROL_LENGTH = 40;
    private static final int FLAGS = 48;
    private static final int LENGTH = 56;
    private static final short AF_INET = 2;
    private static final short AF_INET6 = 10;
    /** Room for the control messages of a received datagram: the arrival stamp (32 bytes) and spare. */
    private static final int CONTROL_BYTES = 64;
    private static final int CMSG_HEADER_BYTES = 16;

    private final int dataBytes;
    private final ByteBuffer memory;
    private final UnsafeBuffer view;
    private final long base;
    private final int iovecs;
    private final int names;
    private final int controls;
    private final int data;
    private final UnsafeBuffer[] dataViews;

    /** {@code capacity} slots of {@code dataBytes} each. */
    DatagramVector(final int capacity, final int dataBytes)
    {
        this.dataBytes = dataBytes;
        iovecs = capacity * MESSAGE_BYTES;
        names = iovecs + capacity * IOVEC_BYTES;
        controls = names + capacity * NAME_BYTES;
        data = org.agrona.BitUtil.align(controls + capacity * CONTROL_BYTES, 64);
        memory = BufferUtil.allocateDirectAligned(org.agrona.BitUtil.align(data + capacity * dataBytes, 4096), 4096);
        view = new UnsafeBuffer(memory);
        base = view.addressOffset();
        dataViews = new UnsafeBuffer[capacity];
        for (int slot = 0; slot < capacity; slot++)
        {
            dataViews[slot] = new UnsafeBuffer(memory, data + slot * dataBytes, dataBytes);
            view.putLong(iovecs + slot * IOVEC_BYTES, base + data + (long)slot * dataBytes);
        }
    }

    /** The address of the array of messages, for recvmmsg. */
    long address()
    {
        return base;
    }

    /** The address of message {@code k}, for a sendmmsg of the messages from {@code k} on. */
    long messageAddress(final int k)
    {
        return base + (long)k * MESSAGE_BYTES;
    }

    /** Slot {@code slot}'s data: what was received there, or where a datagram to send is written. */
    UnsafeBuffer data(final int slot)
    {
        return dataViews[slot];
    }

    /** Readies message {@code slot} to receive into its own slot (the kernel rewrote the lengths and flags). */
    void prepareReceive(final int slot)
    {
        final int message = slot * MESSAGE_BYTES;
        view.putLong(message + NAME, base + names + (long)slot * NAME_BYTES);
        view.putInt(message + NAME_LENGTH, NAME_BYTES);
        pointAt(message, slot, dataBytes);
        view.putLong(message + CONTROL, base + controls + (long)slot * CONTROL_BYTES);
        view.putLong(message + CONTROL_LENGTH, CONTROL_BYTES);
    }

    /**
     * When the datagram in slot {@code slot} arrived, in nanoseconds of the real-time clock since the epoch, as the
     * kernel stamped it (SO_TIMESTAMPNS, {@link LinuxDatagramCalls#stampArrivals}); 0 when it carries no stamp.
     */
    long arrivalEpochNs(final int slot)
    {
        final long length = view.getLong(slot * MESSAGE_BYTES + CONTROL_LENGTH);
        final int start = controls + slot * CONTROL_BYTES;
        int cmsg = start;
        while (cmsg + CMSG_HEADER_BYTES <= start + Math.min(length, CONTROL_BYTES))
        {
            final long cmsgLength = view.getLong(cmsg);
            if (cmsgLength < CMSG_HEADER_BYTES)
            {
                return 0;
            }
            if (view.getInt(cmsg + 8) == LinuxDatagramCalls.SOL_SOCKET &&
                view.getInt(cmsg + 12) == LinuxDatagramCalls.SO_TIMESTAMPNS &&
                cmsgLength >= CMSG_HEADER_BYTES + 16 && cmsg + CMSG_HEADER_BYTES + 16 <= start + CONTROL_BYTES)
            {
                final int timespec = cmsg + CMSG_HEADER_BYTES;
                return view.getLong(timespec) * 1_000_000_000L + view.getLong(timespec + 8);
            }
            cmsg += (int)org.agrona.BitUtil.align(cmsgLength, 8);
        }
        return 0;
    }

    /** Bytes received in slot {@code slot}. */
    int receivedLength(final int slot)
    {
        return view.getInt(slot * MESSAGE_BYTES + LENGTH);
    }

    /** Where the datagram in slot {@code slot} came from; null for a family other than IPv4 and IPv6. */
    InetSocketAddress source(final int slot, final SocketAddressCache cache)
    {
        final int name = names + slot * NAME_BYTES;
        final short family = view.getShort(name);
        final int port = view.getShort(name + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (family == AF_INET)
        {
            return cache.ipv4(view.getInt(name + 4, ByteOrder.BIG_ENDIAN), port);
        }
        if (family == AF_INET6)
        {
            return cache.ipv6(view.getLong(name + 8, ByteOrder.BIG_ENDIAN),
                view.getLong(name + 16, ByteOrder.BIG_ENDIAN), view.getInt(name + 24), port);
        }
        return null;
    }

    /**
     * Points message {@code k} at slot {@code slot}, {@code length} bytes, sent to {@code destination}, or to the
     * socket's connected peer when {@code destination} is null.
     */
    void prepareSend(final int k, final int slot, final int length, final InetSocketAddress destination)
    {
        final int message = k * MESSAGE_BYTES;
        if (destination == null)
        {
            view.putLong(message + NAME, 0);
            view.putInt(message + NAME_LENGTH, 0);
        }
        else
        {
            view.putLong(message + NAME, base + names + (long)slot * NAME_BYTES);
            view.putInt(message + NAME_LENGTH, putName(names + slot * NAME_BYTES, destination));
        }
        pointAt(message, slot, length);
    }

    /** The message's one iovec: slot {@code slot}'s data, {@code length} bytes; no control data, no flags. */
    private void pointAt(final int message, final int slot, final long length)
    {
        view.putLong(message + IOV, base + iovecs + (long)slot * IOVEC_BYTES);
        view.putLong(message + IOV_LENGTH, 1);
        view.putLong(message + CONTROL, 0);
        view.putLong(message + CONTROL_LENGTH, 0);
        view.putInt(message + FLAGS, 0);
        view.putLong(iovecs + slot * IOVEC_BYTES + 8, length);
    }

    /** Writes the socket address; its length. */
    private int putName(final int name, final InetSocketAddress destination)
    {
        final InetAddress address = destination.getAddress();
        view.putShort(name + 2, (short)destination.getPort(), ByteOrder.BIG_ENDIAN);
        if (address instanceof Inet4Address)
        {
            view.putShort(name, AF_INET);
            // OpenJDK's Inet4Address hashes to its address: read so, without the copy getAddress() makes (the
            // send thread's one allocation otherwise). DatagramVectorTest checks the bytes written.
            view.putInt(name + 4, address.hashCode(), ByteOrder.BIG_ENDIAN);
            view.putLong(name + 8, 0);
            return 16;
        }
        view.putShort(name, AF_INET6);
        view.putInt(name + 4, 0);
        view.putBytes(name + 8, address.getAddress());
        view.putInt(name + 24, ((Inet6Address)address).getScopeId());
        return 28;
    }
}
