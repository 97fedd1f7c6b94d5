package dev.referee.transport;

import dev.referee.config.Cidr;

import java.util.List;

/**
 * What the receive threads know of a trunk ({@code trunks[i].name} and {@code trunks[i].sources}): which source
 * addresses belong to it. Its transfer policy is the engine's business.
 */
public record TrunkSources(String name, List<Cidr> sources)
{
    public TrunkSources
    {
        sources = List.copyOf(sources);
    }
}
