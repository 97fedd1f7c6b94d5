package dev.referee.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A HEP v3 packet read back chunk by chunk, written for the tests from the spec's layout (not from the encoder):
 * "HEP3", a 16-bit total length, then chunks of vendor id, type id, length (header included) and value, all big
 * endian.
 */
record HepPacket(int totalLength, List<Chunk> chunks)
{
    record Chunk(int vendor, int type, byte[] value)
    {
        int uint()
        {
            long result = 0;
            for (final byte b : value)
            {
                result = (result << 8) | (b & 0xFF);
            }
            return (int)result;
        }

        String text()
        {
            return new String(value, StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one packet at the buffer's position and moves past it; fails on any layout error. */
    static HepPacket read(final ByteBuffer in)
    {
        final int start = in.position();
        final byte[] magic = new byte[4];
        in.get(magic);
        if (!"HEP3".equals(new String(magic, StandardCharsets.ISO_8859_1)))
        {
            throw new AssertionError("not HEP3: " + new String(magic, StandardCharsets.ISO_8859_1));
        }
        final int total = in.getShort() & 0xFFFF;
        final List<Chunk> chunks = new ArrayList<>();
        while (in.position() - start < total)
        {
            final int vendor = in.getShort() & 0xFFFF;
            final int type = in.getShort() & 0xFFFF;
            final int length = in.getShort() & 0xFFFF;
            if (length < 6 || in.position() - 6 - start + length > total)
            {
                throw new AssertionError("chunk 0x" + Integer.toHexString(type) + " of length " + length +
                    " does not fit the packet's " + total + " bytes");
            }
            final byte[] value = new byte[length - 6];
            in.get(value);
            chunks.add(new Chunk(vendor, type, value));
        }
        if (in.position() - start != total)
        {
            throw new AssertionError("chunks end at " + (in.position() - start) + ", header says " + total);
        }
        return new HepPacket(total, chunks);
    }

    /** The one chunk of this type; fails when there is none or more than one. */
    Chunk chunk(final int type)
    {
        Chunk found = null;
        for (final Chunk chunk : chunks)
        {
            if (chunk.type() == type)
            {
                if (found != null)
                {
                    throw new AssertionError("two chunks of type 0x" + Integer.toHexString(type));
                }
                found = chunk;
            }
        }
        if (found == null)
        {
            throw new AssertionError("no chunk of type 0x" + Integer.toHexString(type) + " in " + types());
        }
        return found;
    }

    boolean has(final int type)
    {
        return chunks.stream().anyMatch(chunk -> chunk.type() == type);
    }

    List<Integer> types()
    {
        return chunks.stream().map(Chunk::type).toList();
    }
}
