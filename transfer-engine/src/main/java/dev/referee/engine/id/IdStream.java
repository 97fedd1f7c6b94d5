package dev.referee.engine.id;

/**
 * Where the random part of identifiers comes from: 64 bits at a time, deterministic from its starting point, its
 * whole position one long (what a snapshot keeps). Engine thread only.
 */
interface IdStream
{
    long next();

    /**
     * Block {@code index} of the stream, without moving it: for values tied to an object rather than drawn in turn
     * (an SDP session id from its leg's id), which need no place in a snapshot since they can be derived again.
     */
    long blockAt(long index);

    /** The position in the stream: {@link #position(long)} with it continues exactly where this stream is. */
    long position();

    void position(long position);
}
