package dev.referee.transport;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.Durations;

/**
 * @param maxConnections {@code tcp.max-connections}: connections accepted at once; one more is accepted and closed
 *                       at once (counted), so the listen backlog does not fill with connections never served.
 * @param idleTimeoutMs  {@code tcp.idle-timeout}: a connection with no byte read or written for this long closes.
 * @param readTimeoutMs  {@code tcp.read-timeout}: a message whose first byte arrived this long ago and is still
 *                       incomplete closes its connection (slowloris).
 */
public record TcpConfig(int maxConnections, long idleTimeoutMs, long readTimeoutMs)
{
    public static TcpConfig defaults()
    {
        return new TcpConfig(10_000, 600_000, 10_000);
    }

    /** The {@code tcp} section. */
    public static TcpConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max-connections", "idle-timeout", "read-timeout");
        final TcpConfig defaults = defaults();
        return new TcpConfig(
            section.integer("max-connections", defaults.maxConnections(), 1, 1_000_000),
            section.durationMs("idle-timeout", defaults.idleTimeoutMs(), Durations.ONE_DAY_MS),
            section.durationMs("read-timeout", defaults.readTimeoutMs(), 3_600_000));
    }
}
