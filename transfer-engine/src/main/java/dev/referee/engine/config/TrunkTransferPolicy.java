package dev.referee.engine.config;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * @param mode      {@code mode}.
 * @param allowPstn {@code allow-pstn}: tel: URIs and E.164-looking targets are allowed.
 * @param targets   {@code targets}: regexes on the target's user part; empty means any routable target.
 * @param webhook   {@code webhook}: consulted before each transfer; null when not set.
 */
public record TrunkTransferPolicy(TransferMode mode, boolean allowPstn, List<Pattern> targets, URI webhook)
{
    public TrunkTransferPolicy
    {
        targets = List.copyOf(targets);
    }

    /** The policy of the default trunk, and of a trunk that has no {@code transfer} section. */
    public static TrunkTransferPolicy defaults()
    {
        return new TrunkTransferPolicy(TransferMode.TERMINATE, false, List.of(), null);
    }
}
