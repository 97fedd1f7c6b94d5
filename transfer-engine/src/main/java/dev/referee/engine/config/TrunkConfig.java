package dev.referee.engine.config;

import dev.referee.config.Cidr;

import java.util.List;

/**
 * @param name     {@code trunks[i].name}: unique, used in call records and logs.
 * @param sources  {@code trunks[i].sources}: a request whose source address is in one of these selects the trunk.
 * @param transfer {@code trunks[i].transfer}.
 * @param calls    {@code trunks[i].routes}, {@code limits}, {@code allow-pickup}.
 * @param headers  {@code trunks[i].trusted}, {@code pass-headers}.
 * @param auth     {@code trunks[i].auth}: digest authentication of its INVITEs and REFERs; null when the trunk has
 *                 none (its sources are trusted as they are).
 */
public record TrunkConfig(
    String name, List<Cidr> sources, TrunkTransferPolicy transfer, TrunkCallPolicy calls, TrunkHeaderPolicy headers,
    TrunkAuth auth)
{
    public TrunkConfig
    {
        sources = List.copyOf(sources);
    }

    /** A trunk without authentication. */
    public TrunkConfig(final String name, final List<Cidr> sources, final TrunkTransferPolicy transfer,
        final TrunkCallPolicy calls, final TrunkHeaderPolicy headers)
    {
        this(name, sources, transfer, calls, headers, null);
    }

    /** A trunk with only a transfer policy: every route, no limits, no pickup, untrusted. */
    public TrunkConfig(final String name, final List<Cidr> sources, final TrunkTransferPolicy transfer)
    {
        this(name, sources, transfer, TrunkCallPolicy.defaults(), TrunkHeaderPolicy.defaults());
    }
}
