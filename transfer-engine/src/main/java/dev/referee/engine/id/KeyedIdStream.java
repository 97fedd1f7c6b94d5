package dev.referee.engine.id;


/**
 * SipHash-2-4 under a secret key over a counter (the PRF in counter mode): block n is {@code SipHash(key, n)}. Each
 * block is as good as 64 fresh random bits to whoever lacks the key, so seeing any number of identifiers tells
 * nothing about the next ones; the counter makes the stream replayable from the key alone, and is the whole position.
 * Format version 2 journals on.
 */
final class KeyedIdStream implements IdStream
{
    private final SipHash24 prf;
    private long counter;

    KeyedIdStream(final IdKey key)
    {
        this.prf = new SipHash24(key.k0(), key.k1());
    }

    @Override
    public long next()
    {
        return prf.hash(counter++);
    }

    @Override
    public long blockAt(final long index)
    {
        return prf.hash(index);
    }

    @Override
    public long position()
    {
        return counter;
    }

    @Override
    public void position(final long position)
    {
        this.counter = position;
    }
}
