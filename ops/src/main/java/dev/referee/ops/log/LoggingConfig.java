package dev.referee.ops.log;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

/**
 * The {@code logging} section: how severe a line must be to be written ({@code level}: error, warning, info, debug)
 * and where it goes ({@code file}: {@code stderr}, {@code stdout}, or a path, appended to). One line per event:
 * {@link OneLineFormatter}.
 */
public record LoggingConfig(LogLevel level, String file)
{
    public static final String STDERR = "stderr";
    public static final String STDOUT = "stdout";

    public static LoggingConfig defaults()
    {
        return new LoggingConfig(LogLevel.INFO, STDERR);
    }

    public static LoggingConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("level", "file");
        final LoggingConfig defaults = defaults();
        return new LoggingConfig(section.choice("level", LogLevel.class, defaults.level()),
            section.text("file", defaults.file()));
    }
}
