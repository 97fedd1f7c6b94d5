package dev.referee.engine.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

/** @param max {@code redirect.max}: 3xx Contacts followed per call, 0 relays 3xx to the caller. */
public record RedirectConfig(int max)
{
    public static RedirectConfig defaults()
    {
        return new RedirectConfig(5);
    }

    /** The {@code redirect} section. */
    public static RedirectConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max");
        return new RedirectConfig(section.integer("max", defaults().max(), 0, 100));
    }
}
