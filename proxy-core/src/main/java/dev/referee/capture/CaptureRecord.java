package dev.referee.capture;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Layout of one captured message in the capture ring, written by a {@link HepTap} on a transport thread and read by
 * the {@link HepAgent}: the fixed part, then the message bytes as they crossed the socket.
 * <pre>
 *   0  long  receive or send time, System.nanoTime()
 *   8  int   source port          12 int destination port
 *  16  byte  IP protocol id (17 UDP, 6 TCP)
 *  17  byte  IP version (4 or 6)
 *  20  16 bytes source address (IPv4 in the first 4)
 *  36  16 bytes destination address
 *  52  the message
 * </pre>
 * An address not known (a TCP connection still connecting) is all zeros with port 0.
 */
final class CaptureRecord
{
    /** Message type id in the ring (Agrona ring buffers need one greater than zero). */
    static final int MSG_TYPE_ID = 1;

    static final int TIME_OFFSET = 0;
    static final int SOURCE_PORT_OFFSET = 8;
    static final int DESTINATION_PORT_OFFSET = 12;
    static final int PROTOCOL_OFFSET = 16;
    static final int IP_VERSION_OFFSET = 17;
    static final int SOURCE_ADDRESS_OFFSET = 20;
    static final int DESTINATION_ADDRESS_OFFSET = 36;
    static final int ADDRESS_LENGTH = 16;
    static final int HEADER_LENGTH = 52;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /** Reads the record at {@code offset}, {@code length} bytes in all. */
    CaptureRecord wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    long timeNs()
    {
        return buffer.getLong(offset + TIME_OFFSET);
    }

    int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    int ipVersion()
    {
        return buffer.getByte(offset + IP_VERSION_OFFSET);
    }

    int sourcePort()
    {
        return buffer.getInt(offset + SOURCE_PORT_OFFSET);
    }

    int destinationPort()
    {
        return buffer.getInt(offset + DESTINATION_PORT_OFFSET);
    }

    /** Copies the source address (4 bytes for IPv4, 16 for IPv6) to {@code into} at {@code at}. */
    void sourceAddress(final MutableDirectBuffer into, final int at)
    {
        into.putBytes(at, buffer, offset + SOURCE_ADDRESS_OFFSET, addressLength());
    }

    void destinationAddress(final MutableDirectBuffer into, final int at)
    {
        into.putBytes(at, buffer, offset + DESTINATION_ADDRESS_OFFSET, addressLength());
    }

    int addressLength()
    {
        return ipVersion() == 6 ? 16 : 4;
    }

    DirectBuffer buffer()
    {
        return buffer;
    }

    int messageOffset()
    {
        return offset + HEADER_LENGTH;
    }

    int messageLength()
    {
        return length - HEADER_LENGTH;
    }
}
