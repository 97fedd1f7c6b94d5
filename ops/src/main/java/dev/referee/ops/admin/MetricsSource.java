package dev.referee.ops.admin;

import java.io.IOException;

/**
 * What {@code GET /metrics} serves. Called on the admin HTTP thread, never on the engine thread: an implementation
 * reads counters other threads write, as {@link StatusSource} does.
 */
public interface MetricsSource
{
    /** The media type of {@link #scrape()}, for Content-Type. */
    String contentType();

    /** Every metric, now, in the format {@link #contentType()} names. */
    byte[] scrape() throws IOException;
}
