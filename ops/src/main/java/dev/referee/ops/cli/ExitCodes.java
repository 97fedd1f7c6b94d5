package dev.referee.ops.cli;

/** Process exit codes of the {@code referee} command; 2 matches picocli's own code for usage errors. */
public final class ExitCodes
{
    public static final int OK = 0;
    /** Started but failed: an address could not be bound, the node stopped with an error. */
    public static final int FAILURE = 1;
    /** Nothing was started: bad configuration or bad command line. */
    public static final int CONFIG = 2;

    private ExitCodes()
    {
    }
}
