package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code referee journal COMMAND --dir DIR ...} run from the packaged jar as its own process, as an operator runs it:
 * same jar and JVM flags as {@link RefereeProcess}. Bounded in time; stopped by its PID when over.
 */
final class JournalTool
{
    static final Duration BOUND = Duration.ofSeconds(60);

    private JournalTool()
    {
    }

    /** Runs the command; fails unless it exits 0 within {@link #BOUND}. Returns what it printed (stdout+stderr). */
    static String run(final Path journalDir, final String command, final String... args)
    {
        final Result result = exec(journalDir, command, args);
        if (result.exitCode() != 0)
        {
            throw new AssertionError("referee journal " + command + " exited " + result.exitCode() + ":\n" +
                result.output());
        }
        return result.output();
    }

    /** What one run printed and its exit code (-1 when it had to be stopped). */
    record Result(int exitCode, String output)
    {
    }

    static Result exec(final Path journalDir, final String command, final String... args)
    {
        final List<String> arguments = new ArrayList<>(List.of("journal", command, "--dir", journalDir.toString()));
        arguments.addAll(List.of(args));
        return referee(arguments);
    }

    /** Any {@code referee} command of the jar under test (e.g. reload), bounded by {@link #BOUND}. */
    static Result referee(final List<String> arguments)
    {
        final String command = arguments.get(0);
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(RefereeProcess.JVM_FLAGS);
        cmd.addAll(List.of("-jar", RefereeProcess.jar().toString()));
        cmd.addAll(arguments);
        Path out = null;
        Process process = null;
        try
        {
            out = Files.createTempFile("referee-" + command + "-", ".out");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            final boolean exited = process.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            final int exitCode = exited ? process.exitValue() : -1;
            if (!exited)
            {
                ProcessLogs.stop(process, Duration.ofSeconds(3));
            }
            return new Result(exitCode, Files.readString(out, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run " + String.join(" ", cmd) + ": " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            ProcessLogs.stop(process, Duration.ofSeconds(3));
            throw new AssertionError("interrupted", ex);
        }
        finally
        {
            if (out != null)
            {
                try
                {
                    Files.deleteIfExists(out);
                }
                catch (final IOException ignored)
                {
                    // A temp file left behind is harmless.
                }
            }
        }
    }
}
