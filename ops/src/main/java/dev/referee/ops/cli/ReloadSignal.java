package dev.referee.ops.cli;

import dev.referee.ops.admin.ReloadResult;

import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration, as daemons do (systemd's {@code ExecReload} sends it): the outcome is logged, the
 * node keeps running whatever it is. {@code sun.misc.Signal} is the JDK's one way to catch a signal (module
 * jdk.unsupported, there since Java 9 and kept for exactly this use).
 */
final class ReloadSignal
{
    private static final System.Logger LOG = System.getLogger(ReloadSignal.class.getName());

    private ReloadSignal()
    {
    }

    static void install(final RunningNode node)
    {
        try
        {
            Signal.handle(new Signal("HUP"), (signal) -> log(node.reload()));
            if (ignoredByParent())
            {
                // A process started ignoring SIGHUP (nohup, or a parent that ignores it) keeps ignoring it: the JVM
                // installs no handler for a signal ignored at its start, although Signal.handle returns quietly.
                LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored in this process (started with nohup?): " +
                    "reload with `referee reload` or POST /reload");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            // No SIGHUP here (not a POSIX system), or the JVM keeps it (-Xrs): reload stays on `referee reload`.
            LOG.log(System.Logger.Level.WARNING, "SIGHUP cannot be caught here: reload with `referee reload`");
        }
    }

    /** Whether SIGHUP was ignored when this process started: bit 0 of SigIgn in /proc/self/status (Linux). */
    static boolean ignoredByParent()
    {
        try
        {
            for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
            {
                if (line.startsWith("SigIgn:"))
                {
                    return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & 1) != 0;
                }
            }
        }
        catch (final java.io.IOException | NumberFormatException ex)
        {
            // Not Linux, or no /proc: nothing to say.
        }
        return false;
    }

    private static void log(final ReloadResult result)
    {
        LOG.log(result.applied() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
            "SIGHUP: " + result.message());
    }
}
