package dev.referee.transport;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

/**
 * When the receive threads shed new calls (503 with Retry-After) before the engine sees them: the engine is
 * handling inputs older than {@code maxLagMs}, or the inbound ring is fuller than {@code maxRingFillPercent}, or
 * the engine's lag stood above {@code standingLagMs} for {@code standingIntervalMs} ({@link StandingLag}); the lag
 * counts a datagram's own wait in the UDP socket unless {@code socketWait} is false.
 * Requests of established dialogs, ACK and CANCEL are never shed.
 *
 * @param maxLagMs           {@code overload.max-lag}: 2*T1 (1 s) by default, at once. Callers retransmit from T1 on
 *                           (absorbed while queued), so work grows past it; but a limit of T1 still refused a
 *                           call on a passing stall at start-up (a compilation, a busy core), and 200 ms on any.
 * @param maxRingFillPercent {@code overload.max-ring-fill}: percent of {@code pipeline.inbound-ring}.
 * @param retryAfterSeconds  {@code overload.retry-after}: Retry-After of the 503, whole seconds.
 * @param standingLagMs      {@code overload.standing-lag}: 100 ms by default; 0 turns the standing judgement off.
 * @param standingIntervalMs {@code overload.standing-interval}: 1 s by default, how long the lag must stay above
 *                           {@code standingLagMs} before new calls are shed (a stall shorter than that sheds none).
 * @param socketWait         {@code overload.socket-wait}: true by default, each UDP datagram's wait in the kernel's
 *                           socket buffer before the receive thread read it (its arrival stamp) counts in the lag a
 *                           new call is judged by ({@link Admission#socketWait}); false: datagrams are not stamped
 *                           (no cost in the kernel or on the receive thread) and only the engine's lag counts.
 */
public record OverloadConfig(long maxLagMs, int maxRingFillPercent, int retryAfterSeconds, long standingLagMs,
    long standingIntervalMs, boolean socketWait)
{
    /** Never sheds on lag or fill (the warm-up node: its own phones, driven as fast as it goes). */
    public static final OverloadConfig NEVER = new OverloadConfig(3_600_000, 100, 0, 0, 0, false);

    public static OverloadConfig defaults()
    {
        return new OverloadConfig(1_000, 50, 1, 100, 1_000, true);
    }

    /** The {@code overload} section. */
    public static OverloadConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("max-lag", "max-ring-fill", "retry-after", "standing-lag", "standing-interval",
            "socket-wait");
        final OverloadConfig defaults = defaults();
        return new OverloadConfig(
            section.durationMs("max-lag", defaults.maxLagMs(), 60_000),
            section.integer("max-ring-fill", defaults.maxRingFillPercent(), 1, 100),
            (int)(section.durationMs("retry-after", defaults.retryAfterSeconds() * 1_000L, 3_600_000) / 1_000),
            section.durationMs("standing-lag", defaults.standingLagMs(), 0, 60_000),
            section.durationMs("standing-interval", defaults.standingIntervalMs(), 60_000),
            section.bool("socket-wait", defaults.socketWait()));
    }
}
