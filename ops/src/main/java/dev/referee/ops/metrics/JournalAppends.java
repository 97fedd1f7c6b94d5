package dev.referee.ops.metrics;

import java.util.function.LongSupplier;

/**
 * What the journal's engine-thread sink has appended since the node started ({@code ChronicleSink#records()},
 * {@code #bytes()}): read at each scrape.
 */
public record JournalAppends(LongSupplier records, LongSupplier bytes)
{
}
