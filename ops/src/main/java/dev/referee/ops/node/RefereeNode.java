package dev.referee.ops.node;

import dev.referee.config.RefereeConfig;

/**
 * A running Referee: transports, pipeline, engine and admin HTTP wired from one configuration.
 * Closing it stops every thread it started and releases every socket.
 */
public final class RefereeNode implements AutoCloseable
{
    private RefereeNode()
    {
    }

    /** Binds every listener and starts the pipeline; throws when an address cannot be bound. */
    public static RefereeNode start(final RefereeConfig config) throws Exception
    {
        throw new UnsupportedOperationException("wired by the engine integration");
    }

    /** Blocks until {@link #close()} is called from another thread (e.g. a shutdown hook). */
    public void awaitClose() throws InterruptedException
    {
    }

    @Override
    public void close()
    {
    }
}
