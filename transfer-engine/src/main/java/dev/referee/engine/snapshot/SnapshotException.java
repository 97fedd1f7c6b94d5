package dev.referee.engine.snapshot;

/** A snapshot that cannot be read or restored (truncated, unknown version, inconsistent). */
public final class SnapshotException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public SnapshotException(final String message)
    {
        super(message);
    }

    public SnapshotException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
