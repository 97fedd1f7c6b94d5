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
        }
        catch (final IllegalArgumentException ex)
        {
            // No SIGHUP here (not a POSIX system), or the JVM keeps it (-Xrs): reload stays on `referee reload`.
            LOG.log(System.Logger.Level.WARNING, "SIGHUP cannot be caught here: reload with `referee reload`");
        }
    }

    private static void log(final ReloadResult result)
    {
        LOG.log(result.applied() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
            "SIGHUP: " + result.message());
    }
}
