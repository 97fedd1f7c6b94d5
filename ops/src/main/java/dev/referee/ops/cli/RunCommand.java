package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.ops.config.RefereeConfig;
import dev.referee.ops.log.Logging;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code referee run}: load the configuration, start the node, serve until the process is told to stop. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Start Referee: SIP listeners, pipeline, engine and admin HTTP.",
        "Stops cleanly on SIGTERM/SIGINT; SIGHUP re-reads the configuration file (as `referee reload`). Exit codes: 0 stopped, 1 failed to start (e.g. port in use), " +
            "2 bad configuration."
    })
public final class RunCommand implements Callable<Integer>
{
    private final NodeLauncher launcher;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    public RunCommand(final NodeLauncher launcher)
    {
        this.launcher = launcher;
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RefereeConfig refereeConfig = config.loadOrReport(err);
        if (refereeConfig == null)
        {
            return ExitCodes.CONFIG;
        }

        try
        {
            Logging.install(refereeConfig.logging());
        }
        catch (final IOException ex)
        {
            err.println("referee: cannot write the log to " + refereeConfig.logging().file() + " (logging.file): " +
                ex.getMessage());
            err.flush();
            return ExitCodes.FAILURE;
        }

        final RunningNode node;
        try
        {
            node = launcher.start(refereeConfig);
        }
        catch (final Exception ex)
        {
            err.println(startFailure(ex, refereeConfig));
            err.flush();
            return ExitCodes.FAILURE;
        }

        out.println(listening(node.boundAddresses(), node.adminAddress()) + (refereeConfig.cluster().enabled() ?
            "; cluster member " + refereeConfig.cluster().member() + " (SIP served while it leads)" : ""));
        out.flush();
        ReloadSignal.install(node);
        return serve(node, err);
    }

    /** Blocks until the node is closed, by the shutdown hook on SIGTERM/SIGINT or by the node itself. */
    private static int serve(final RunningNode node, final PrintWriter err)
    {
        final Thread hook = new Thread(node::close, "referee-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            node.awaitClose();
            final String failure = node.failure();
            if (failure != null)
            {
                err.println("referee: " + failure + ", stopping");
                err.flush();
                node.close();
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            err.println("referee: interrupted, stopping");
            node.close();
            return ExitCodes.FAILURE;
        }
        finally
        {
            removeHook(hook);
        }
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // The JVM is already shutting down: the hook is running or has run, which is what we wanted.
        }
    }

    /** Where {@code config} says the node listens (a port 0 shows as 0). */
    static String listening(final RefereeConfig config)
    {
        return listening(config.listen(), config.admin());
    }

    /** "referee: listening on udp:127.0.0.1:5060, tcp:127.0.0.1:5060; admin http://127.0.0.1:8060". */
    static String listening(final List<ListenAddress> sip, final InetSocketAddress adminAddress)
    {
        final List<String> listen = new ArrayList<>();
        for (final ListenAddress address : sip)
        {
            listen.add(AddressFormat.listen(address));
        }
        final String admin = adminAddress == null ? "admin off" : "admin http://" + AddressFormat.hostPort(
            adminAddress);
        return "referee: listening on " + String.join(", ", listen) + "; " + admin;
    }

    /** A port already taken is the common case, so it gets its own message naming every configured address. */
    static String startFailure(final Throwable failure, final RefereeConfig config)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof BindException)
            {
                return "referee: cannot bind an address (" + cause.getMessage() + "); configured " +
                    listening(config).substring("referee: listening on ".length());
            }
        }
        return "referee: failed to start: " + failure;
    }
}
