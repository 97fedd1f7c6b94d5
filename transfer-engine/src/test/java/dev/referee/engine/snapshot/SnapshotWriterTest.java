package dev.referee.engine.snapshot;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotWriterTest
{
    /**
     * The same fields give the same bytes whatever the chunk size: values that straddle two chunks (an int, a long, a
     * port, a string) are split across them, and the chunks read back in order are the snapshot.
     */
    @Test
    void shouldWriteTheSameBytesWhateverTheChunkSize() throws Exception
    {
        final byte[] expected = write(new SnapshotWriter(1 << 20));
        for (final int chunkBytes : new int[]{ 8, 9, 13, 64, 1000 })
        {
            final SnapshotWriter chunked =
                chunkBytes % 2 == 0 ? new SnapshotWriter(chunkBytes) : SnapshotWriter.offHeap(chunkBytes);
            final byte[] bytes = write(chunked);
            assertArrayEquals(expected, bytes, "chunks of " + chunkBytes);
            // A part of the journal: any run of the bytes, in slices that never cross a chunk.
            final int from = chunkBytes + 3;
            final ByteArrayOutputStream part = new ByteArrayOutputStream();
            chunked.forEachSlice(from, expected.length - from - 5, (buffer, offset, length) ->
            {
                assertTrue(length <= chunkBytes);
                final byte[] run = new byte[length];
                buffer.getBytes(offset, run);
                part.write(run, 0, length);
            });
            assertArrayEquals(Arrays.copyOfRange(expected, from, expected.length - 5), part.toByteArray(),
                "chunks of " + chunkBytes + ", a run");
            // Kept for the next snapshot, which starts from nothing.
            assertArrayEquals(expected, write(chunked.reset()), "chunks of " + chunkBytes + " reused");
        }
    }

    /** Written from the bytes, a Latin-1 text is what writeString writes of its String, bytes from 0x80 up included. */
    @Test
    void shouldWriteLatin1TextAsItsStringWouldBe()
    {
        final SplittableRandom random = new SplittableRandom(4475);
        for (int round = 0; round < 200; round++)
        {
            final byte[] text = new byte[random.nextInt(40)];
            for (int i = 0; i < text.length; i++)
            {
                text[i] = (byte)(round % 2 == 0 ? 0x20 + random.nextInt(0x5F) : random.nextInt(256));
            }
            final SnapshotWriter fromString = new SnapshotWriter(7);
            fromString.writeString(new String(text, StandardCharsets.ISO_8859_1));
            final SnapshotWriter fromBytes = new SnapshotWriter(7);
            final byte[] framed = new byte[text.length + 3];
            System.arraycopy(text, 0, framed, 3, text.length);
            fromBytes.writeLatin1(new UnsafeBuffer(framed), 3, text.length);
            assertArrayEquals(fromString.toByteArray(), fromBytes.toByteArray(), Arrays.toString(text));
        }
    }

    /**
     * A String is its UTF-8 bytes after their length, whether it is ASCII (put char by char, across chunks) or not
     * (a Latin-1 char, a char beyond it, a surrogate pair): what a reader of an earlier build expects.
     */
    @Test
    void shouldWriteAStringAsItsUtf8Bytes()
    {
        for (final String value : new String[]{ "", "z9hG4bK-3f2a.1", "tag=a1b2c3d4e5f6a7b8c9d0", "caf\u00e9",
            "\u00e9" + "x".repeat(20), "x".repeat(20) + "\u20ac", "\ud83d\udcde call" })
        {
            for (final int chunkBytes : new int[]{ 3, 7, 64 })
            {
                final SnapshotWriter out = new SnapshotWriter(chunkBytes);
                out.writeByte(9).writeString(value);
                final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                final byte[] expected = new byte[5 + utf8.length];
                expected[0] = 9;
                new UnsafeBuffer(expected).putInt(1, utf8.length, java.nio.ByteOrder.LITTLE_ENDIAN);
                System.arraycopy(utf8, 0, expected, 5, utf8.length);
                assertArrayEquals(expected, out.toByteArray(), value + " in chunks of " + chunkBytes);
                assertEquals(expected.length, out.length());
                assertEquals(value, new SnapshotReader(Arrays.copyOfRange(expected, 1, expected.length)).readString());
            }
        }
    }

    /** What is written beside a snapshot, then appended, lands as if written there: one pass, two parts. */
    @Test
    void shouldAppendWhatWasWrittenBeside() throws Exception
    {
        final byte[] main = write(new SnapshotWriter(1 << 20));
        final byte[] beside = write(new SnapshotWriter(1 << 20));
        for (final int chunkBytes : new int[]{ 8, 13, 1 << 20 })
        {
            final SnapshotWriter out = chunkBytes == 13 ? SnapshotWriter.offHeap(chunkBytes) :
                new SnapshotWriter(chunkBytes);
            for (int round = 0; round < 2; round++) // the writer beside is kept, empty for each use
            {
                out.reset();
                final SnapshotWriter side = out.side();
                assertEquals(0, side.length());
                write(side);
                write(out);
                out.append(side);
                final byte[] expected = Arrays.copyOf(main, main.length + beside.length);
                System.arraycopy(beside, 0, expected, main.length, beside.length);
                assertArrayEquals(expected, out.toByteArray(), "chunks of " + chunkBytes + ", round " + round);
            }
        }
    }

    /** An address written again (the same object, as most transactions share a peer's) gives the same bytes. */
    @Test
    void shouldWriteAnAddressTheSameEachTime() throws Exception
    {
        final InetAddress named = InetAddress.getByAddress("pbx.example.com", new byte[]{ (byte)192, 0, 2, 7 });
        final InetSocketAddress first = new InetSocketAddress(named, 5060);
        final InetSocketAddress second = new InetSocketAddress(named, 5062);
        final SnapshotWriter out = new SnapshotWriter(5);
        out.writeAddress(first).writeAddress(second).writeAddress(first);
        final SnapshotReader in = new SnapshotReader(out.toByteArray());
        for (final InetSocketAddress expected : List.of(first, second, first))
        {
            final InetSocketAddress read = in.readAddress();
            assertEquals(expected, read);
            assertEquals(expected.toString(), read.toString());
        }
    }

    private static byte[] write(final SnapshotWriter out) throws Exception
    {
        out.writeInt(0x4E534652).writeByte(3).writeLong(-2L).writeBoolean(true);
        out.writeString("z9hG4bK-1|192.0.2.1:5070|INVITE").writeString(null).writeString("");
        out.writeBytes(new byte[]{ 1, 2, 3, 4, 5, 6, 7 }).writeBytes((byte[])null);
        out.writeBytes(new UnsafeBuffer("SIP/2.0 200 OK\r\n".getBytes(StandardCharsets.US_ASCII)), 4, 9);
        out.writeLatin1(new UnsafeBuffer("Via: SIP/2.0/UDP 192.0.2.1".getBytes(StandardCharsets.US_ASCII)), 0, 26);
        out.writeStrings(List.of("a", "bc")).writeStrings(null);
        out.writeAddress(new InetSocketAddress(InetAddress.getByAddress(new byte[]{ 127, 0, 0, 1 }), 5060));
        out.writeAddress(InetSocketAddress.createUnresolved("pbx.example.com", 5061)).writeAddress(null);
        out.writeAddress(new InetSocketAddress(InetAddress.getByName("::1"), 5062));
        for (int i = 0; i < 100; i++)
        {
            out.writeLong(i * 0x0101010101010101L).writeInt(i);
        }
        return out.toByteArray();
    }
}
