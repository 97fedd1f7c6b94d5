package dev.referee.engine.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.config.Durations;

/**
 * @param acceptStatus           {@code transfer.accept-status}: 202 (RFC 3515) or 200 (RFC 7647).
 * @param transferorByeTimeoutMs {@code transfer.transferor-bye-timeout}: Referee sends BYE itself after this.
 * @param ringTimeoutMs          {@code transfer.ring-timeout}: a target not answering by then has failed.
 * @param onFailure              {@code transfer.on-failure}.
 */
public record TransferConfig(
    int acceptStatus, long transferorByeTimeoutMs, long ringTimeoutMs, OnTransferFailure onFailure)
{
    public static TransferConfig defaults()
    {
        return new TransferConfig(202, 32_000, 60_000, OnTransferFailure.RECALL);
    }

    /** The {@code transfer} section. */
    public static TransferConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("accept-status", "transferor-bye-timeout", "ring-timeout", "on-failure");
        final TransferConfig defaults = defaults();
        final ConfigValue status = section.get("accept-status");
        final int acceptStatus = status == null ? defaults.acceptStatus() : status.integer(200, 202);
        if (acceptStatus != 200 && acceptStatus != 202)
        {
            throw status.error("must be 202 or 200 (got " + acceptStatus + ")");
        }
        return new TransferConfig(
            acceptStatus,
            section.durationMs("transferor-bye-timeout", defaults.transferorByeTimeoutMs(), Durations.ONE_DAY_MS),
            section.durationMs("ring-timeout", defaults.ringTimeoutMs(), Durations.ONE_DAY_MS),
            section.choice("on-failure", OnTransferFailure.class, defaults.onFailure()));
    }
}
