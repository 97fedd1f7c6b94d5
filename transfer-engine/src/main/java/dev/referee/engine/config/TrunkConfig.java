package dev.referee.engine.config;

import dev.referee.config.Cidr;

import java.util.List;

/**
 * @param name     {@code trunks[i].name}: unique, used in call records and logs.
 * @param sources  {@code trunks[i].sources}: a request whose source address is in one of these selects the trunk.
 * @param transfer {@code trunks[i].transfer}.
 */
public record TrunkConfig(String name, List<Cidr> sources, TrunkTransferPolicy transfer)
{
    public TrunkConfig
    {
        sources = List.copyOf(sources);
    }
}
