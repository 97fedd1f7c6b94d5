package dev.referee.engine.snapshot;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads what {@link SnapshotWriter} wrote, in the same order. Fails with {@link SnapshotException} on bad input. */
public final class SnapshotReader
{
    private final DirectBuffer buffer;
    private final int limit;
    private int position;

    public SnapshotReader(final byte[] bytes)
    {
        this(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    public SnapshotReader(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
    }

    public boolean hasRemaining()
    {
        return position < limit;
    }

    public int readByte()
    {
        need(1);
        final int value = buffer.getByte(position) & 0xFF;
        position += 1;
        return value;
    }

    public boolean readBoolean()
    {
        return readByte() != 0;
    }

    public int readInt()
    {
        need(4);
        final int value = buffer.getInt(position, SnapshotWriter.ORDER);
        position += 4;
        return value;
    }

    public long readLong()
    {
        need(8);
        final long value = buffer.getLong(position, SnapshotWriter.ORDER);
        position += 8;
        return value;
    }

    public String readString()
    {
        final byte[] bytes = readBytes();
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] readBytes()
    {
        final int length = readInt();
        if (length == SnapshotWriter.NULL_LENGTH)
        {
            return null;
        }
        if (length < 0)
        {
            throw new SnapshotException("negative length " + length + " at " + (position - 4));
        }
        need(length);
        final byte[] bytes = new byte[length];
        buffer.getBytes(position, bytes);
        position += length;
        return bytes;
    }

    public List<String> readStrings()
    {
        final int count = readInt();
        if (count == SnapshotWriter.NULL_LENGTH)
        {
            return null;
        }
        final List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            values.add(readString());
        }
        return values;
    }

    public InetSocketAddress readAddress()
    {
        final int kind = readByte();
        if (kind == SnapshotWriter.ADDRESS_NONE)
        {
            return null;
        }
        if (kind == SnapshotWriter.ADDRESS_UNRESOLVED)
        {
            final String host = readString();
            return InetSocketAddress.createUnresolved(host, readPort());
        }
        if (kind != SnapshotWriter.ADDRESS_IPV4 && kind != SnapshotWriter.ADDRESS_IPV6)
        {
            throw new SnapshotException("unknown address kind " + kind + " at " + (position - 1));
        }
        final String name = readString();
        final byte[] raw = new byte[kind == SnapshotWriter.ADDRESS_IPV4 ? 4 : 16];
        need(raw.length);
        buffer.getBytes(position, raw);
        position += raw.length;
        try
        {
            return new InetSocketAddress(InetAddress.getByAddress(name, raw), readPort());
        }
        catch (final UnknownHostException ex)
        {
            throw new SnapshotException("bad address bytes", ex);
        }
    }

    private int readPort()
    {
        need(2);
        final int port = buffer.getShort(position, SnapshotWriter.ORDER) & 0xFFFF;
        position += 2;
        return port;
    }

    private void need(final int bytes)
    {
        if (position + bytes > limit)
        {
            throw new SnapshotException(
                "snapshot truncated: " + bytes + " bytes needed at " + position + " of " + limit);
        }
    }
}
