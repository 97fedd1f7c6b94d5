package dev.referee.media;

/** How the relay thread waits for packets; docs/media.md has the CPU each costs per packet, measured. */
public enum RelayWait
{
    /** Blocks in the selector until a socket is readable, a command is posted (it wakes the selector) or a tick. */
    SELECT,
    /** Polls the selector without blocking, backing off (spin, yield, then park up to 1 ms) when nothing came. */
    POLL
}
