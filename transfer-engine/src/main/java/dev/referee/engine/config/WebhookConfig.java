package dev.referee.engine.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

/** @param timeoutMs {@code webhook.timeout}: an unanswered webhook falls back to the trunk policy. */
public record WebhookConfig(long timeoutMs)
{
    public static WebhookConfig defaults()
    {
        return new WebhookConfig(2_000);
    }

    /** The {@code webhook} section. */
    public static WebhookConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("timeout");
        return new WebhookConfig(section.durationMs("timeout", defaults().timeoutMs(), 600_000));
    }
}
