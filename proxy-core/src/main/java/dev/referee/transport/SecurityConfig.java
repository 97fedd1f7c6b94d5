package dev.referee.transport;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;

/**
 * @param unknownSources  {@code security.unknown-sources}.
 * @param flood           {@code security.flood}.
 * @param unlimitedTrunks names of the trunks with {@code flood: false}: their sources are never flood-limited.
 */
public record SecurityConfig(UnknownSources unknownSources, FloodConfig flood, List<String> unlimitedTrunks)
{
    public SecurityConfig
    {
        unlimitedTrunks = List.copyOf(unlimitedTrunks);
    }

    /**
     * Configuring a trunk turns the border on: unknown sources are rejected and every source is flood-limited.
     * Without trunks Referee stays open, as it was before trunks selected anything but the REFER policy.
     */
    public static SecurityConfig defaults(final boolean anyTrunk)
    {
        return anyTrunk ?
            new SecurityConfig(UnknownSources.REJECT, FloodConfig.defaults(), List.of()) :
            new SecurityConfig(UnknownSources.ALLOW, FloodConfig.OFF, List.of());
    }

    /**
     * The {@code security} section, and the {@code flood} key of each of the {@code trunks}: whether any trunk is
     * configured sets the defaults, and {@code flood: false} exempts a trunk (the rest of a trunk is the engine's).
     */
    public static SecurityConfig read(final ConfigSection section, final List<ConfigValue> trunks)
        throws ConfigException
    {
        section.allowOnly("unknown-sources", "flood");
        final List<String> unlimited = new ArrayList<>();
        for (final ConfigValue item : trunks)
        {
            final ConfigSection trunk = item.section();
            if (!trunk.bool("flood", true))
            {
                unlimited.add(trunk.require("name").text());
            }
        }
        final SecurityConfig defaults = defaults(!trunks.isEmpty());
        return new SecurityConfig(
            section.choice("unknown-sources", UnknownSources.class, defaults.unknownSources()),
            FloodConfig.read(section, defaults.flood()),
            unlimited);
    }
}
