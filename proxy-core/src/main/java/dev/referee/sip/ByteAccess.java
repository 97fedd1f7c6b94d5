package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Gives the parser a {@code byte[]} in which index {@code i} holds byte {@code i} of a {@link DirectBuffer}, so that
 * the scanning loops read plain array elements. The JIT hoists an array's bounds check out of a counted loop, while
 * every {@link DirectBuffer#getByte} pays Agrona's own check (about 40 % of parse time before this class existed:
 * +72 % throughput without them, docs/benchmarks.md). Reading an array past its end still throws, so nothing can
 * be read outside memory, and {@code TruncatedMessagesTest} shows that nothing past the given length is read.
 * <p>
 * A buffer over a whole array ({@code new UnsafeBuffer(byte[])}, the pipeline's receive slots) gives its array at
 * no cost. Other buffers (direct memory, an array wrapped at an offset) are copied once into a scratch array at the
 * same indexes; the scratch array grows when needed and is kept, so steady state allocates nothing. A range past
 * the buffer's capacity goes the copy way too, where {@link DirectBuffer#getBytes} throws as a read would have.
 * One instance per parser object (SIP views here, the SDP view in {@code sdp}): not thread-safe.
 */
public final class ByteAccess
{
    /** An empty array, for views not wrapped yet. */
    public static final byte[] NONE = new byte[0];

    private byte[] scratch = NONE;

    /** An array {@code a} with {@code a[i] == buffer.getByte(i)} for every {@code i} in [from, to). */
    public byte[] array(final DirectBuffer buffer, final int from, final int to)
    {
        final byte[] array = buffer.byteArray();
        if (array != null && buffer.wrapAdjustment() == 0 && to <= buffer.capacity())
        {
            return array;
        }
        if (to <= from)
        {
            return NONE;
        }
        if (scratch.length < to)
        {
            // Indexes are kept, so the copy needs {@code to} bytes; messages sit near the start of their buffers.
            scratch = new byte[(int)Math.min(Integer.MAX_VALUE - 8, Math.max(to, 2L * scratch.length))];
        }
        buffer.getBytes(from, scratch, from, to - from);
        return scratch;
    }
}
