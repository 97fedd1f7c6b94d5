package dev.referee.cdr;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

import java.nio.file.Path;

/** @param dir {@code cdr.dir}: one JSON line per call leg is written there. */
public record CdrConfig(Path dir)
{
    public static CdrConfig defaults()
    {
        return new CdrConfig(Path.of("./data/cdr"));
    }

    /** The {@code cdr} section. */
    public static CdrConfig read(final ConfigSection section) throws ConfigException
    {
        return new CdrConfig(section.allowOnly("dir").path("dir", defaults().dir().toString()));
    }
}
