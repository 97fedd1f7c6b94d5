package dev.referee.ops.journal;

import java.io.PrintStream;

/**
 * "reading DIR: 1,200,000 records" on one line of standard error, rewritten at most four times a second, for
 * commands that read a whole journal: only when a person is watching (a terminal), never in a pipe or a file.
 */
final class Progress
{
    private static final long INTERVAL_NS = 250_000_000L;
    private static final Progress QUIET = new Progress(null, null);

    private final PrintStream out;
    private final String what;
    private long count;
    private long nextNs;
    private boolean shown;

    private Progress(final PrintStream out, final String what)
    {
        this.out = out;
        this.what = what;
    }

    /** Reports on standard error when standard input and output are a terminal (System.console()), else nothing. */
    static Progress onTerminal(final String what)
    {
        return System.console() != null ? new Progress(System.err, what) : QUIET;
    }

    void step()
    {
        count++;
        // Checking the clock every 4,096 records keeps the cost out of the read loop.
        if (out != null && (count & 4095) == 0)
        {
            final long now = System.nanoTime();
            if (now >= nextNs)
            {
                nextNs = now + INTERVAL_NS;
                out.printf("\r%s: %,d records", what, count);
                shown = true;
            }
        }
    }

    void done()
    {
        if (shown)
        {
            out.printf("\r%s: %,d records%n", what, count);
        }
    }
}
