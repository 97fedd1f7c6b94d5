package dev.referee.engine.config;

import dev.referee.transport.SourceTrunks;
import dev.referee.transport.TrunkSources;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The trunk of an address, for the engine: the same classification the receive threads make
 * ({@link SourceTrunks}, first trunk in the file wins), made again from the journaled source address so that replay
 * and recovery need nothing but the journal. An address in no trunk belongs to the default trunk
 * ({@link #DEFAULT}): with {@code security.unknown-sources: allow} (or no trunks at all) such peers get the default
 * policies. Engine thread only.
 */
public final class TrunkDirectory
{
    /** The trunk of addresses in no configured trunk: every default policy. */
    public static final TrunkConfig DEFAULT =
        new TrunkConfig("default", List.of(), TrunkTransferPolicy.defaults());

    private final TrunkConfig[] trunks;
    private final SourceTrunks index;

    public TrunkDirectory(final List<TrunkConfig> trunks)
    {
        this.trunks = trunks.toArray(new TrunkConfig[0]);
        final List<TrunkSources> sources = new ArrayList<>(trunks.size());
        for (final TrunkConfig trunk : trunks)
        {
            sources.add(new TrunkSources(trunk.name(), trunk.sources()));
        }
        this.index = new SourceTrunks(sources);
    }

    /** The trunk {@code address} belongs to; {@link #DEFAULT} when none. */
    public TrunkConfig trunkOf(final InetAddress address)
    {
        final int trunk = indexOf(address);
        return trunk == SourceTrunks.NO_TRUNK ? DEFAULT : trunks[trunk];
    }

    /** The trunk of {@code address}'s host; {@link #DEFAULT} for none, for null or for an unresolved address. */
    public TrunkConfig trunkOf(final InetSocketAddress address)
    {
        return address == null || address.getAddress() == null ? DEFAULT : trunkOf(address.getAddress());
    }

    /** The position in the configured list of the trunk {@code address} belongs to; {@link SourceTrunks#NO_TRUNK}. */
    public int indexOf(final InetAddress address)
    {
        return index.trunkOf(address);
    }
}
