package dev.referee.transport;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.config.Durations;

/**
 * Per-source flood control on the receive threads, like Kamailio's pike: each source address may send requests
 * at {@code ratePerSecond} on average with bursts of {@code burst}; a source that goes beyond is blocked (every
 * message from it dropped) for {@code blockMs}.
 *
 * @param ratePerSecond {@code security.flood.rate}: 0 when flood control is off.
 * @param burst         {@code security.flood.burst}: requests a quiet source may send at once.
 * @param blockMs       {@code security.flood.block}.
 */
public record FloodConfig(int ratePerSecond, int burst, long blockMs)
{
    /** {@code security.flood: off}. */
    public static final FloodConfig OFF = new FloodConfig(0, 0, 0);

    /**
     * 200 requests/s with bursts of 400 and a minute's block: a call costs its caller three or four requests, so
     * one address may start some 50 calls a second, a busy PBX's peak; a source past it is a flood or a loop.
     * Carrier interconnects carrying more than that from one address are trunks with {@code flood: false}.
     */
    public static FloodConfig defaults()
    {
        return new FloodConfig(200, 400, 60_000);
    }

    public boolean enabled()
    {
        return ratePerSecond > 0;
    }

    /** {@code security.flood}: {@code off} (or false), or a mapping whose missing keys take the carrier defaults. */
    static FloodConfig read(final ConfigSection security, final FloodConfig defaultFlood) throws ConfigException
    {
        final ConfigValue value = security.get("flood");
        if (value == null)
        {
            return defaultFlood;
        }
        if (!value.isMapping())
        {
            final String text = value.text();
            if ("off".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text))
            {
                return OFF;
            }
            throw value.error("expected off or a mapping of rate, burst, block (got '" + text + "')");
        }
        final ConfigSection flood = value.section().allowOnly("rate", "burst", "block");
        final FloodConfig defaults = defaults();
        final int rate = flood.integer("rate", defaults.ratePerSecond(), 1, 1_000_000);
        final int burst = flood.integer("burst", Math.max(rate, defaults.burst()), 1, 10_000_000);
        if (burst < rate)
        {
            // A bucket smaller than a second's worth would refuse a source sending steadily at the rate.
            final ConfigValue burstValue = flood.get("burst");
            throw (burstValue != null ? burstValue : flood.require("rate")).error(
                "burst must be at least rate (" + burst + " < " + rate + ")");
        }
        return new FloodConfig(rate, burst, flood.durationMs("block", defaults.blockMs(), Durations.ONE_DAY_MS));
    }
}
