package dev.referee.engine.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
/** RFC 3261 T1, T2, T4 in milliseconds; {@code maxCalls} bounds engine state (503 past it). */
public record SipConfig(int t1Ms, int t2Ms, int t4Ms, int maxCalls, String userAgent)
{
    public static SipConfig defaults()
    {
        return new SipConfig(500, 4_000, 5_000, 100_000, "Referee");
    }

    /** The {@code sip} section. */
    public static SipConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("t1-ms", "t2-ms", "t4-ms", "max-calls", "user-agent");
        final SipConfig defaults = defaults();
        final int t1Ms = section.integer("t1-ms", defaults.t1Ms(), 1, 60_000);
        final int t2Ms = section.integer("t2-ms", defaults.t2Ms(), 1, 600_000);
        if (t2Ms < t1Ms)
        {
            // RFC 3261 caps retransmission intervals at T2, which is meaningless below T1.
            final ConfigValue t2 = section.get("t2-ms");
            throw (t2 != null ? t2 : section.require("t1-ms")).error("t2-ms must not be less than t1-ms");
        }
        return new SipConfig(
            t1Ms,
            t2Ms,
            section.integer("t4-ms", defaults.t4Ms(), 1, 600_000),
            section.integer("max-calls", defaults.maxCalls(), 1, 100_000_000),
            section.text("user-agent", defaults.userAgent()));
    }
}
