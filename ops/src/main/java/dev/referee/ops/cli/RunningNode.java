package dev.referee.ops.cli;

/** What {@code referee run} needs from a started node: wait for it, and stop it. */
public interface RunningNode extends AutoCloseable
{
    /** Blocks until {@link #close()} is called from another thread (the shutdown hook). */
    void awaitClose() throws InterruptedException;

    /** Stops every thread and releases every socket; called from the shutdown hook, so it must not throw. */
    @Override
    void close();
}
