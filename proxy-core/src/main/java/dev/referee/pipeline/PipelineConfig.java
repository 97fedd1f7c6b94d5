package dev.referee.pipeline;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;

import java.util.List;

/** Ring sizes are powers of two; {@code waitStrategy} is blocking, sleeping, yielding or busy-spin. */
public record PipelineConfig(int inboundRingSize, int outboundRingSize, String waitStrategy, int tickIntervalMs)
{
    public static PipelineConfig defaults()
    {
        return new PipelineConfig(16_384, 16_384, "blocking", 10);
    }

    /** Wait strategies the pipeline knows; busy-spin is allowed but loses on machines with few cores. */
    public static final List<String> WAIT_STRATEGIES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    /** The {@code pipeline} section. */
    public static PipelineConfig read(final ConfigSection section) throws ConfigException
    {
        return read(section, defaults().tickIntervalMs());
    }

    /** The {@code pipeline} section, {@code tick-ms} defaulting to {@code defaultTickMs}. */
    public static PipelineConfig read(final ConfigSection section, final int defaultTickMs) throws ConfigException
    {
        section.allowOnly("inbound-ring", "outbound-ring", "wait-strategy", "tick-ms");
        final PipelineConfig defaults = defaults();
        final ConfigValue strategy = section.get("wait-strategy");
        if (strategy != null && !WAIT_STRATEGIES.contains(strategy.text()))
        {
            throw strategy.error(
                "expected one of " + String.join(", ", WAIT_STRATEGIES) + " (got '" + strategy.text() + "')");
        }
        return new PipelineConfig(
            ringSize(section, "inbound-ring", defaults.inboundRingSize()),
            ringSize(section, "outbound-ring", defaults.outboundRingSize()),
            strategy == null ? defaults.waitStrategy() : strategy.text(),
            section.integer("tick-ms", defaultTickMs, 1, 1_000));
    }

    /** Disruptor rings index with a mask, so their size must be a power of two. */
    private static int ringSize(final ConfigSection section, final String key, final int defaultSize)
        throws ConfigException
    {
        final ConfigValue value = section.get(key);
        if (value == null)
        {
            return defaultSize;
        }
        final int size = value.integer(2, 1 << 30);
        if (Integer.bitCount(size) != 1)
        {
            throw value.error("must be a power of two (got " + size + ")");
        }
        return size;
    }
}
