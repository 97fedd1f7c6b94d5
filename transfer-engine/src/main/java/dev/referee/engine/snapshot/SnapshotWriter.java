package dev.referee.engine.snapshot;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Appends the primitive fields of a snapshot, little-endian whatever the machine, so that a snapshot taken on one
 * machine restores on another. The bytes go into chunks of a fixed size, kept for the next snapshot: a snapshot of
 * 130 MB (3,000 calls/s) grows by adding chunks, never by copying what it has (it grew a single buffer by copies of
 * up to 190 MB before). Not thread safe: one snapshot at a time, on the engine thread.
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
    private static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final int chunkBytes;
    /** Makes a chunk of {@code chunkBytes}. */
    private final IntFunction<UnsafeBuffer> chunkMaker;
    private final List<UnsafeBuffer> chunks = new ArrayList<>();
    /** Where a primitive that straddles two chunks is put together. */
    private final UnsafeBuffer straddle = new UnsafeBuffer(new byte[8]);
    /** Wraps a byte array written, to copy it as any buffer. */
    private final UnsafeBuffer arrayView = new UnsafeBuffer(new byte[0]);
    private UnsafeBuffer chunk;
    private int chunkIndex;
    private int chunkPosition;
    private int position;
    /** The address {@link #writeAddress} encoded last and its encoding before the port. */
    private InetAddress lastAddress;
    private UnsafeBuffer lastAddressBytes;
    private SnapshotWriter side;

    public SnapshotWriter()
    {
        this(DEFAULT_CHUNK_BYTES);
    }

    /** With chunks of {@code chunkBytes} on the heap: {@link #forEachSlice} hands out runs of at most that. */
    public SnapshotWriter(final int chunkBytes)
    {
        this(chunkBytes, bytes -> new UnsafeBuffer(new byte[bytes]));
    }

    /**
     * A writer whose chunks are outside the heap, for one kept as long as the node runs: the first snapshot at 3,000
     * calls/s allocated 130 MB of chunks on the heap, which two young collections copied in the middle of it, and
     * which then stayed in the old generation, beside the calls the heap is sized for.
     */
    public static SnapshotWriter offHeap(final int chunkBytes)
    {
        return offHeap(chunkBytes, bytes -> new UnsafeBuffer(ByteBuffer.allocateDirect(bytes)));
    }

    /** As {@link #offHeap(int)}, each chunk made by {@code chunkMaker} (given {@code chunkBytes}). */
    public static SnapshotWriter offHeap(final int chunkBytes, final IntFunction<UnsafeBuffer> chunkMaker)
    {
        return new SnapshotWriter(chunkBytes, chunkMaker);
    }

    private SnapshotWriter(final int chunkBytes, final IntFunction<UnsafeBuffer> chunkMaker)
    {
        if (chunkBytes < 1)
        {
            throw new IllegalArgumentException("chunks of at least one byte: " + chunkBytes);
        }
        this.chunkBytes = chunkBytes;
        this.chunkMaker = chunkMaker;
        chunk = newChunk();
        chunks.add(chunk);
    }

    /** Starts again from an empty snapshot, keeping the chunks. */
    public SnapshotWriter reset()
    {
        chunkIndex = 0;
        chunk = chunks.get(0);
        chunkPosition = 0;
        position = 0;
        return this;
    }

    public int length()
    {
        return position;
    }

    /** Sees a run of a snapshot's bytes: {@code length} bytes of {@code buffer} from {@code offset}. */
    @FunctionalInterface
    public interface Slice
    {
        void accept(DirectBuffer buffer, int offset, int length);
    }

    /** Hands bytes {@code from} to {@code from + length} of the snapshot to {@code slice}, a run per chunk. */
    public void forEachSlice(final int from, final int length, final Slice slice)
    {
        if (from < 0 || length < 0 || from + length > position)
        {
            throw new IndexOutOfBoundsException(from + "+" + length + " of " + position);
        }
        int offset = from;
        final int end = from + length;
        while (offset < end)
        {
            final int index = offset / chunkBytes;
            final int inChunk = offset - index * chunkBytes;
            final int n = Math.min(end - offset, chunkBytes - inChunk);
            slice.accept(chunks.get(index), inChunk, n);
            offset += n;
        }
    }

    /** Bytes the chunks hold, written or not. */
    public long capacity()
    {
        return (long)chunks.size() * chunkBytes;
    }

    /**
     * Adds one chunk when the chunks hold fewer than {@code bytes}; true when it did. A chunk's memory is fresh
     * (zeroed by the allocation, every page faulted in): 130 MB of it made the first snapshot of a node under load
     * twice as long as the next ones, so the snapshotter grows the writer a chunk at a time between inputs instead.
     */
    public boolean growToward(final long bytes)
    {
        if (capacity() >= bytes)
        {
            return false;
        }
        chunks.add(newChunk());
        return true;
    }

    /** Appends everything {@code other} holds. */
    public SnapshotWriter append(final SnapshotWriter other)
    {
        other.forEachSlice(0, other.position, this::put);
        return this;
    }

    /**
     * A second writer kept with this one, empty, for a part of a snapshot written beside the main one in the same pass
     * and appended after it: one walk over 300,000 objects instead of two.
     */
    public SnapshotWriter side()
    {
        if (side == null)
        {
            side = new SnapshotWriter(chunkBytes, chunkMaker);
        }
        return side.reset();
    }

    public byte[] toByteArray()
    {
        final byte[] bytes = new byte[position];
        forEachSlice(0, position, new Slice()
        {
            private int done;

            @Override
            public void accept(final DirectBuffer buffer, final int offset, final int length)
            {
                buffer.getBytes(offset, bytes, done, length);
                done += length;
            }
        });
        return bytes;
    }

    public SnapshotWriter writeByte(final int value)
    {
        if (chunkPosition == chunkBytes)
        {
            nextChunk();
        }
        chunk.putByte(chunkPosition++, (byte)value);
        position++;
        return this;
    }

    public SnapshotWriter writeBoolean(final boolean value)
    {
        return writeByte(value ? 1 : 0);
    }

    public SnapshotWriter writeInt(final int value)
    {
        if (chunkPosition + 4 <= chunkBytes)
        {
            chunk.putInt(chunkPosition, value, ORDER);
            chunkPosition += 4;
            position += 4;
            return this;
        }
        straddle.putInt(0, value, ORDER);
        return put(straddle, 0, 4);
    }

    public SnapshotWriter writeLong(final long value)
    {
        if (chunkPosition + 8 <= chunkBytes)
        {
            chunk.putLong(chunkPosition, value, ORDER);
            chunkPosition += 8;
            position += 8;
            return this;
        }
        straddle.putLong(0, value, ORDER);
        return put(straddle, 0, 8);
    }

    /**
     * i32 byte length (-1: null), then UTF-8 (SIP text is ASCII; Latin-1 chars made from bytes round-trip too). An
     * ASCII String (every tag, branch and method name) is put char by char: no byte array made for each of the
     * 300,000 transactions of a snapshot at 3,000 calls/s.
     */
    public SnapshotWriter writeString(final String value)
    {
        if (value == null)
        {
            return writeInt(NULL_LENGTH);
        }
        final int length = value.length();
        for (int i = 0; i < length; i++)
        {
            if (value.charAt(i) >= 0x80)
            {
                return writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
        }
        writeInt(length);
        for (int i = 0; i < length; i++)
        {
            if (chunkPosition == chunkBytes)
            {
                nextChunk();
            }
            chunk.putByte(chunkPosition++, (byte)value.charAt(i));
        }
        position += length;
        return this;
    }

    /** i32 length (-1: null), then the bytes. */
    public SnapshotWriter writeBytes(final byte[] value)
    {
        if (value == null)
        {
            return writeInt(NULL_LENGTH);
        }
        writeInt(value.length);
        arrayView.wrap(value);
        return put(arrayView, 0, value.length);
    }

    /** As {@link #writeBytes(byte[])} for {@code length} bytes of {@code bytes}, without copying them out first. */
    public SnapshotWriter writeBytes(final DirectBuffer bytes, final int offset, final int length)
    {
        writeInt(length);
        return put(bytes, offset, length);
    }

    /**
     * What {@link #writeString} writes for the String of {@code length} bytes of {@code text} read one char per byte
     * (ISO-8859-1), without making the String: i32 UTF-8 length, then the bytes, those from 0x80 up as two.
     */
    public SnapshotWriter writeLatin1(final DirectBuffer text, final int offset, final int length)
    {
        int high = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            high += Long.bitCount(text.getLong(offset + i) & HIGH_BITS);
        }
        for (; i < length; i++)
        {
            high += text.getByte(offset + i) < 0 ? 1 : 0;
        }
        writeInt(length + high);
        if (high == 0)
        {
            return put(text, offset, length);
        }
        for (i = 0; i < length; i++)
        {
            final int c = text.getByte(offset + i) & 0xFF;
            if (c < 0x80)
            {
                writeByte(c);
            }
            else
            {
                writeByte(0xC0 | (c >> 6));
                writeByte(0x80 | (c & 0x3F));
            }
        }
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
            if (address != lastAddress)
            {
                // Most transactions of a snapshot share a few peers' addresses: encoded once per address object.
                lastAddressBytes = encode(address);
                lastAddress = address;
            }
            put(lastAddressBytes, 0, lastAddressBytes.capacity());
        }
        straddle.putShort(0, (short)value.getPort(), ORDER);
        return put(straddle, 0, 2);
    }

    private static UnsafeBuffer encode(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        // InetAddress.toString() is "name/literal", with an empty name when none is known: no lookup is made.
        final String text = address.toString();
        final int slash = text.indexOf('/');
        final byte[] name = slash > 0 ? text.substring(0, slash).getBytes(StandardCharsets.UTF_8) : null;
        final int nameBytes = name == null ? 0 : name.length;
        final UnsafeBuffer encoded = new UnsafeBuffer(new byte[1 + 4 + nameBytes + raw.length]);
        encoded.putByte(0, (byte)(raw.length == 4 ? ADDRESS_IPV4 : ADDRESS_IPV6));
        encoded.putInt(1, name == null ? NULL_LENGTH : nameBytes, ORDER);
        if (name != null)
        {
            encoded.putBytes(5, name);
        }
        encoded.putBytes(5 + nameBytes, raw);
        return encoded;
    }

    private SnapshotWriter put(final DirectBuffer bytes, final int offset, final int length)
    {
        int done = 0;
        while (done < length)
        {
            if (chunkPosition == chunkBytes)
            {
                nextChunk();
            }
            final int n = Math.min(length - done, chunkBytes - chunkPosition);
            chunk.putBytes(chunkPosition, bytes, offset + done, n);
            chunkPosition += n;
            position += n;
            done += n;
        }
        return this;
    }

    private UnsafeBuffer newChunk()
    {
        final UnsafeBuffer made = chunkMaker.apply(chunkBytes);
        if (made.capacity() != chunkBytes)
        {
            throw new IllegalStateException("a chunk of " + made.capacity() + " bytes, not " + chunkBytes);
        }
        return made;
    }

    private void nextChunk()
    {
        chunkIndex++;
        if (chunkIndex == chunks.size())
        {
            chunks.add(newChunk());
        }
        chunk = chunks.get(chunkIndex);
        chunkPosition = 0;
    }
}
