package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.ops.admin.ReloadResult;

import java.net.InetSocketAddress;
import java.util.List;

/** What {@code referee run} needs from a started node: where it listens, wait for it, and stop it. */
public interface RunningNode extends AutoCloseable
{
    /** Where SIP is received, in configured order, with the port the system chose where the configuration says 0. */
    List<ListenAddress> boundAddresses();

    /** Where the admin HTTP server listens, port resolved as above; null when it is off. */
    InetSocketAddress adminAddress();

    /** Reads the configuration file again and applies it, or says why not (SIGHUP). */
    ReloadResult reload();

    /**
     * Blocks until {@link #close()} is called from another thread (the shutdown hook), or until the node cannot go on
     * ({@link #failure()}).
     */
    void awaitClose() throws InterruptedException;

    /**
     * Why the node stopped serving by itself (a cluster member whose consensus module or service ended); null while
     * it runs or once it was closed. {@code referee run} then closes it and exits 1, for its supervisor to restart.
     */
    default String failure()
    {
        return null;
    }

    /** Stops every thread and releases every socket; called from the shutdown hook, so it must not throw. */
    @Override
    void close();
}
