package dev.referee.ops.admin;

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
}
