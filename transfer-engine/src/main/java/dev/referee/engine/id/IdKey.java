package dev.referee.engine.id;

/**
 * The 128-bit secret key of the identifier PRF ({@link SipHash24}): {@code k0} is key bytes 0-7 and {@code k1} bytes
 * 8-15, each read little-endian as SipHash does. Drawn from a secure random source by whoever starts a node (never by
 * the engine) and kept in the journal's node-start record, so that replay and recovery make the same identifiers.
 * <p>
 * {@link #toString()} does not show the key: a configuration or a record printed in a log must not give it away.
 */
public record IdKey(long k0, long k1)
{
    @Override
    public String toString()
    {
        return "IdKey[hidden]";
    }
}
