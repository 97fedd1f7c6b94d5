package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One running SIPp process; stopped by its PID, never by name. */
final class SippRun implements AutoCloseable
{

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path workDir;
    private final Path outFile;
    private final Duration waitBound;
    private final SippTransport transport;
    private int localPort;

    SippRun(final String name, final List<String> command, final Process process, final Path workDir,
        final Path outFile, final Duration waitBound, final SippTransport transport)
    {
        this.transport = transport;
        this.name = name;
        this.command = command;
        this.process = process;
        this.workDir = workDir;
        this.outFile = outFile;
        this.waitBound = waitBound;
    }

    /**
     * Waits for SIPp to exit (at most {@code timeout}, then it is stopped) and reads its final statistics.
     */
    SippResult awaitResult(final Duration timeout)
    {
        final Duration bound = timeout.compareTo(waitBound) < 0 ? timeout : waitBound;
        boolean exited;
        try
        {
            exited = process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            exited = false;
        }
        final int exitCode = exited ? process.exitValue() : ProcessLogs.stop(process, Duration.ofSeconds(3));
        return SippResult.read(name, exitCode, !exited, statFile(), describe());
    }

    /** The SIP port SIPp bound (see {@link BoundSockets}); 0 until it has bound one. */
    int localPort()
    {
        if (localPort == 0)
        {
            localPort = BoundSockets.sipPort(process.pid(), transport);
        }
        return localPort;
    }

    Path statFile()
    {
        return workDir.resolve(name + "-stat.csv");
    }

    /**
     * Call-IDs of the calls SIPp aborted, as its errors file names them: on a receive timeout, or on a message it did
     * not expect (its entries follow one another without a line break between them).
     */
    Set<String> abortedCallIds()
    {
        final String errors = read(workDir.resolve(name + "-errors.log"));
        final Set<String> ids = new TreeSet<>();
        for (final Pattern aborted : ABORTED)
        {
            final Matcher matcher = aborted.matcher(errors);
            while (matcher.find())
            {
                ids.add(matcher.group(1));
            }
        }
        return ids;
    }

    private static final Pattern[] ABORTED = {
        Pattern.compile("Aborting call on unexpected message for Call-Id '([^']+)'"),
        Pattern.compile("Call-Id: ([^,\\s]+), receive timeout[^\\n]*?aborting call") };

    long pid()
    {
        return process.pid();
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * The command and the last lines of its errors, output and screen, for failure messages. Errors first: they name
     * the failed calls and why, and a long CI log shown in part keeps its beginning (2026-12-07: a callee's one failed
     * call, its errors cut from what the CI run on record printed).
     */
    String describe()
    {
        return "--- " + name + " (pid " + process.pid() + "): " + String.join(" ", command) + "\n"
            + "--- errors:\n" + ProcessLogs.tail(workDir.resolve(name + "-errors.log"), 40) + "\n"
            + "--- output:\n" + ProcessLogs.tail(outFile, 15) + "\n"
            + "--- screen:\n" + ProcessLogs.tail(workDir.resolve(name + "-screen.log"), 40);
    }

    @Override
    public void close()
    {
        ProcessLogs.stop(process, Duration.ofSeconds(3));
    }

    static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }
}
