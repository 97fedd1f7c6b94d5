package dev.referee.engine.id;


/**
 * SplitMix64 from a seed: the generator of format version 1 journals, kept so that they still replay exactly. Not
 * for anything new: its output function is invertible, so one Call-ID (64 whole bits of output) gives away the state
 * and with it every identifier that follows.
 */
final class SeededIdStream implements IdStream
{
    private long state;

    SeededIdStream(final long seed)
    {
        this.state = seed;
    }

    @Override
    public long next()
    {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    /** SplitMix64's output function at {@code index}: as predictable as the rest of this stream. */
    @Override
    public long blockAt(final long index)
    {
        return mix(index * 0x9E3779B97F4A7C15L);
    }

    private static long mix(final long state)
    {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long position()
    {
        return state;
    }

    @Override
    public void position(final long position)
    {
        this.state = position;
    }
}
