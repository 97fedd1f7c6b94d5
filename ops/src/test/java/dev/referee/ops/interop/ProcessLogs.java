package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the process wrappers: stopping by PID and reading the end of a log. */
final class ProcessLogs
{
    private ProcessLogs()
    {
    }

    /** Last lines of a text file, or a note when it cannot be read. */
    static String tail(final Path file, final int lines)
    {
        try
        {
            if (!Files.exists(file))
            {
                return "(no " + file + ")";
            }
            final List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + file + ": " + ex + ")";
        }
    }

    /** Stops this process (not by name): SIGTERM, a bounded wait, then SIGKILL. Returns the exit code or -1. */
    static int stop(final Process process, final Duration grace)
    {
        if (process == null)
        {
            return -1;
        }
        try
        {
            if (process.isAlive())
            {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            return process.isAlive() ? -1 : process.exitValue();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }
}
