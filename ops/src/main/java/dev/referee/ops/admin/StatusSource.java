package dev.referee.ops.admin;

import java.util.List;

/**
 * Where {@code GET /status} gets its figures. Called on the admin HTTP thread, never on the engine thread, so an
 * implementation must hand out a snapshot that is safe to read there (e.g. one the engine publishes through a
 * volatile field on its slow tick, or counters that are already atomic).
 */
@FunctionalInterface
public interface StatusSource
{
    /** The current figures; must not block for long, the admin thread serves one request at a time. */
    StatusSnapshot snapshot();

    /**
     * Names of the node's pipeline threads that ended while it runs (none: healthy), for {@code GET /health}: such a
     * node answers in part or not at all, and a supervisor or load balancer polling its health must see it.
     */
    default List<String> stoppedThreads()
    {
        return List.of();
    }
}
