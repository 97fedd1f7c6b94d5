package dev.referee.ops.config;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;

/**
 * A freshly started JVM runs its code interpreted, then compiles it, and on two cores the compiler threads take
 * the CPU the pipeline needs: offered a carrier's full load at once it fell behind and failed calls. So before
 * the listeners open, {@code calls} synthetic calls go through a throwaway node on loopback (same pipeline,
 * engine and journal code) until the compiler has little left to do, for at most {@code maxMs}.
 *
 * @param calls {@code warm-up.calls}: calls driven hard (then a trickle until compilation settles); 0 disables.
 * @param maxMs {@code warm-up.max-time}: the warm-up stops then, however far it got.
 */
public record WarmUpConfig(int calls, long maxMs)
{
    /** No warm-up (the form used by code that builds a configuration itself, and by the warm-up node itself). */
    public static final WarmUpConfig NONE = new WarmUpConfig(0, 0);

    public static WarmUpConfig defaults()
    {
        return new WarmUpConfig(10_000, 5_000);
    }

    public boolean enabled()
    {
        return calls > 0 && maxMs > 0;
    }

    /** The {@code warm-up} section. */
    public static WarmUpConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("calls", "max-time");
        final WarmUpConfig defaults = defaults();
        return new WarmUpConfig(
            section.integer("calls", defaults.calls(), 0, 10_000_000),
            section.durationMs("max-time", defaults.maxMs(), 600_000));
    }
}
