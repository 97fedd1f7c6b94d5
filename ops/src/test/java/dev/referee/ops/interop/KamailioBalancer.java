package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kamailio running the project's stateless dispatcher configuration ({@code ops/kamailio/dispatcher.cfg},
 * docs/scale-out.md) in front of Referee instances on loopback: started in the foreground in its own directory,
 * stopped by its PID. Debian's {@code kamailio} is installed first when missing, by the benchmarks' own step
 * ({@code benchmarks/scripts/install-kamailio.sh}: no Debian service left running).
 */
final class KamailioBalancer implements AutoCloseable
{
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final Path log;

    private KamailioBalancer(final Process process, final Path log)
    {
        this.process = process;
        this.log = log;
    }

    /** Kamailio on 127.0.0.1:{@code port} dispatching to the given Referee SIP ports, probing them every second. */
    static KamailioBalancer start(final Path dir, final int port, final List<Integer> instancePorts)
        throws IOException, InterruptedException
    {
        installIfMissing(dir);
        Files.createDirectories(dir);
        final StringBuilder list = new StringBuilder();
        for (final int instance : instancePorts)
        {
            list.append("1 sip:").append(Ports.LOOPBACK).append(':').append(instance).append('\n');
        }
        final Path dsList = Files.writeString(dir.resolve("dispatcher.list"), list);
        final Path log = dir.resolve("kamailio.log");
        final Process process = new ProcessBuilder("kamailio", "-f", config().toString(), "-DD", "-E",
            "-Y", dir.toString(), "-w", dir.toString(), "-A", "LISTEN_IP=" + Ports.LOOPBACK, "-A", "LISTEN_PORT=" + port,
            "-A", "DS_LIST=\"" + dsList + "\"").directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        return new KamailioBalancer(process, log);
    }

    /** The deployable configuration, from the ops module (the interop tests' working directory) or the root. */
    static Path config()
    {
        final Path inModule = Paths.get("kamailio", "dispatcher.cfg");
        return (Files.isRegularFile(inModule) ? inModule : Paths.get("ops", "kamailio", "dispatcher.cfg"))
            .toAbsolutePath();
    }

    private static void installIfMissing(final Path dir) throws IOException, InterruptedException
    {
        if (Files.isExecutable(Path.of("/usr/sbin/kamailio")))
        {
            return;
        }
        final Path script = Paths.get("..", "benchmarks", "scripts", "install-kamailio.sh").toAbsolutePath();
        final Process install = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
            .redirectOutput(Files.createDirectories(dir).resolve("install-kamailio.log").toFile()).start();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0)
        {
            throw new AssertionError("could not install kamailio: " + SippRun.read(dir.resolve("install-kamailio.log")));
        }
    }

    boolean isAlive()
    {
        return process.isAlive();
    }

    String log()
    {
        return SippRun.read(log);
    }

    @Override
    public void close()
    {
        process.destroy(); // SIGTERM to the main process, which stops its children
        try
        {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
