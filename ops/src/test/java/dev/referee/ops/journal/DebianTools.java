package dev.referee.ops.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds a Debian tool, installing its package non-interactively when missing (as root or through sudo). */
public final class DebianTools
{
    private DebianTools()
    {
    }

    /** The tool's path, or null when it is missing and could not be installed. */
    public static String ensure(final String tool, final String packageName)
    {
        final String found = which(tool);
        if (found != null)
        {
            return found;
        }
        final boolean root = "root".equals(System.getProperty("user.name"));
        final List<String> command = root ?
            List.of("apt-get", "install", "-y", "--no-install-recommends", packageName) :
            List.of("sudo", "-n", "apt-get", "install", "-y", "--no-install-recommends", packageName);
        run(command, 600);
        return which(tool);
    }

    public static String which(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        {
            final Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }

    /** Runs a command, returning its exit code and output (stdout and stderr together). */
    public static Result run(final List<String> command, final long timeoutSeconds)
    {
        try
        {
            final Path log = Files.createTempFile("referee-tool", ".log");
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            final Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            final String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(process.exitValue(), output);
        }
        catch (final IOException ex)
        {
            return new Result(-1, ex.toString());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Result(-1, ex.toString());
        }
    }

    public record Result(int exitCode, String output)
    {
    }
}
