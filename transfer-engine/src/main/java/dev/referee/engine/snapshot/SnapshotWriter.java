package dev.referee.engine.snapshot;

import org.agrona.ExpandableArrayBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Appends the primitive fields of a snapshot to a growing buffer, little-endian whatever the machine, so that a
 * snapshot taken on one machine restores on another. Not thread safe: one snapshot at a time, on the engine thread.
 */
public final class SnapshotWriter
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Length that stands for a null string, byte array or list. */
    static final int NULL_LENGTH = -1;
    static final int ADDRESS_NONE = 0;
    static final int ADDRESS_UNRESOLVED = 1;
    static final int ADDRESS_IPV4 = 4;
    static final int ADDRESS_IPV6 = 6;

    private final ExpandableArrayBuffer buffer;
    private int position;

    public SnapshotWriter()
    {
        this(64 * 1024);
    }

    public SnapshotWriter(final int initialCapacity)
    {
        buffer = new ExpandableArrayBuffer(initialCapacity);
    }

    /** Starts again from an empty snapshot, keeping the buffer. */
    public SnapshotWriter reset()
    {
        position = 0;
        return this;
    }

    public int length()
    {
        return position;
    }

    public ExpandableArrayBuffer buffer()
    {
        return buffer;
    }

    public byte[] toByteArray()
    {
        final byte[] bytes = new byte[position];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    public SnapshotWriter writeByte(final int value)
    {
        buffer.putByte(position, (byte)value);
        position += 1;
        return this;
    }

    public SnapshotWriter writeBoolean(final boolean value)
    {
        return writeByte(value ? 1 : 0);
    }

    public SnapshotWriter writeInt(final int value)
    {
        buffer.putInt(position, value, ORDER);
        position += 4;
        return this;
    }

    public SnapshotWriter writeLong(final long value)
    {
        buffer.putLong(position, value, ORDER);
        position += 8;
        return this;
    }

    /** i32 byte length (-1: null), then UTF-8 (SIP text is ASCII; Latin-1 chars made from bytes round-trip too). */
    public SnapshotWriter writeString(final String value)
    {
        if (value == null)
        {
            return writeInt(NULL_LENGTH);
        }
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** i32 length (-1: null), then the bytes. */
    public SnapshotWriter writeBytes(final byte[] value)
    {
        if (value == null)
        {
            return writeInt(NULL_LENGTH);
        }
        writeInt(value.length);
        buffer.putBytes(position, value);
        position += value.length;
        return this;
    }

    /** i32 count (-1: null), then each string. */
    public SnapshotWriter writeStrings(final List<String> values)
    {
        if (values == null)
        {
            return writeInt(NULL_LENGTH);
        }
        writeInt(values.size());
        for (int i = 0; i < values.size(); i++)
        {
            writeString(values.get(i));
        }
        return this;
    }

    /**
     * u8 kind (0 none, 1 unresolved, 4 IPv4, 6 IPv6), then for resolved addresses the host name the address was
     * made with (null when it was made from a literal: it shows in toString) and the address bytes; then u16 port.
     */
    public SnapshotWriter writeAddress(final InetSocketAddress value)
    {
        if (value == null)
        {
            return writeByte(ADDRESS_NONE);
        }
        final InetAddress address = value.getAddress();
        if (address == null)
        {
            writeByte(ADDRESS_UNRESOLVED);
            writeString(value.getHostString());
        }
        else
        {
            final byte[] raw = address.getAddress();
            writeByte(raw.length == 4 ? ADDRESS_IPV4 : ADDRESS_IPV6);
            // InetAddress.toString() is "name/literal", with an empty name when none is known: no lookup is made.
            final String text = address.toString();
            final int slash = text.indexOf('/');
            writeString(slash > 0 ? text.substring(0, slash) : null);
            buffer.putBytes(position, raw);
            position += raw.length;
        }
        buffer.putShort(position, (short)value.getPort(), ORDER);
        position += 2;
        return this;
    }
}
