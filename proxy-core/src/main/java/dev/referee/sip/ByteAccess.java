package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Gives the parser a {@code byte[]} in which index {@code i} holds byte {@code i} of a {@link DirectBuffer}, so that
 * the scanning loops read plain array elements. The JIT hoists an array's bounds check out of a counted loop, while
 * every {@link DirectBuffer#getByte} pays Agrona's own check (about 40 % of parse time before this class existed,
 * see docs/benchmarks.md). Reading an array past its end still throws, so nothing can be read outside memory.
 * <p>
 * A buffer over a whole array ({@code new UnsafeBuffer(byte[])}, the pipeline's receive slots) gives its array at
 * no cost. Other buffers (direct memory, an array wrapped at an offset) are copied once into a scratch array at the
 * same indexes; the scratch array grows when needed and is kept, so steady state allocates nothing.
 * One instance per parser object: not thread-safe.
 */
final class ByteAccess
{
    /** An empty array, for views not wrapped yet. */
    static final byte[] NONE = new byte[0];

    private byte[] scratch = NONE;

    /** An array {@code a} with {@code a[i] == buffer.getByte(i)} for every {@code i} in [from, to). */
    byte[] array(final DirectBuffer buffer, final int from, final int to)
    {
        return array(buffer, from, to, this);
    }

    /** As {@link #array(DirectBuffer, int, int)}; {@code access} holds the scratch array when a copy is needed. */
    static byte[] array(final DirectBuffer buffer, final int from, final int to, final ByteAccess access)
    {
        final byte[] array = buffer.byteArray();
        if (array != null && buffer.wrapAdjustment() == 0)
        {
            return array;
        }
        if (to <= from)
        {
            return NONE;
        }
        if (access.scratch.length < to)
        {
            // Indexes are kept, so the copy needs {@code to} bytes; messages sit near the start of their buffers.
            access.scratch = new byte[(int)Math.min(Integer.MAX_VALUE - 8, Math.max(to, 2L * access.scratch.length))];
        }
        buffer.getBytes(from, access.scratch, from, to - from);
        return access.scratch;
    }
}
