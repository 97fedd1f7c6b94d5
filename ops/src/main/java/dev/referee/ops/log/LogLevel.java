package dev.referee.ops.log;

import java.util.logging.Level;

/** {@code logging.level}: the least severe kind of line written. */
public enum LogLevel
{
    ERROR(Level.SEVERE),
    WARNING(Level.WARNING),
    INFO(Level.INFO),
    DEBUG(Level.FINE);

    final Level julLevel;

    LogLevel(final Level julLevel)
    {
        this.julLevel = julLevel;
    }
}
