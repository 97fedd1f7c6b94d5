package dev.referee.engine.id;


/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed pseudorandom function with
 * a 128-bit key and a 64-bit output. Without the key its outputs cannot be told from random ones, nor predicted from
 * any number of earlier outputs; that is why identifiers come from it (see {@link KeyedIdStream}).
 * <p>
 * The key and every message are read little-endian, as the reference does: key bytes 00..0f are
 * {@code k0 = 0x0706050403020100L}, {@code k1 = 0x0f0e0d0c0b0a0908L}. Holds its working state in fields so that no
 * call allocates; hence one thread only (the engine's).
 */
public final class SipHash24
{
    private static final long C0 = 0x736f6d6570736575L; // "somepseu"
    private static final long C1 = 0x646f72616e646f6dL; // "dorandom"
    private static final long C2 = 0x6c7967656e657261L; // "lygenera"
    private static final long C3 = 0x7465646279746573L; // "tedbytes"
    private static final int COMPRESSION_ROUNDS = 2;
    private static final int FINALIZATION_ROUNDS = 4;

    private final long k0;
    private final long k1;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    public SipHash24(final long k0, final long k1)
    {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The PRF of one 8-byte message, {@code message} read little-endian (a counter, for identifiers). */
    public long hash(final long message)
    {
        start();
        compress(message);
        compress(8L << 56); // the last block holds only the message length, 8
        return finish();
    }

    /** The PRF of {@code length} bytes of {@code data} from {@code offset}, any length (the reference vectors). */
    public long hash(final byte[] data, final int offset, final int length)
    {
        start();
        final int wholeBlocksEnd = offset + (length & ~7);
        for (int i = offset; i < wholeBlocksEnd; i += 8)
        {
            compress(littleEndian(data, i, 8));
        }
        final long lastBlock = ((long)length << 56) | littleEndian(data, wholeBlocksEnd, length & 7);
        compress(lastBlock);
        return finish();
    }

    private void start()
    {
        v0 = k0 ^ C0;
        v1 = k1 ^ C1;
        v2 = k0 ^ C2;
        v3 = k1 ^ C3;
    }

    private void compress(final long block)
    {
        v3 ^= block;
        rounds(COMPRESSION_ROUNDS);
        v0 ^= block;
    }

    private long finish()
    {
        v2 ^= 0xFF;
        rounds(FINALIZATION_ROUNDS);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private void rounds(final int count)
    {
        long a = v0;
        long b = v1;
        long c = v2;
        long d = v3;
        for (int i = 0; i < count; i++)
        {
            a += b;
            b = Long.rotateLeft(b, 13);
            b ^= a;
            a = Long.rotateLeft(a, 32);
            c += d;
            d = Long.rotateLeft(d, 16);
            d ^= c;
            a += d;
            d = Long.rotateLeft(d, 21);
            d ^= a;
            c += b;
            b = Long.rotateLeft(b, 17);
            b ^= c;
            c = Long.rotateLeft(c, 32);
        }
        v0 = a;
        v1 = b;
        v2 = c;
        v3 = d;
    }

    private static long littleEndian(final byte[] data, final int offset, final int count)
    {
        long value = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            value = (value << 8) | (data[offset + i] & 0xFFL);
        }
        return value;
    }
}
