package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.ops.RefereeMain;
import dev.referee.ops.config.RefereeConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefereeMainTest
{
    private static final String BAD_CONFIG = "listen: [\"udp:127.0.0.1:5060\"]\nsip:\n  t1-ms: 500\n  t3-ms: 1\n";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<RefereeConfig> started = new ArrayList<>();

    @TempDir
    Path dir;

    @Test
    void shouldExitWithTwoNamingKeyAndLineWhenRunIsGivenABadConfig() throws Exception
    {
        final Path file = write(BAD_CONFIG);

        final int exitCode = execute(RefereeMain.commandLine(), "run", "--config", file.toString());

        assertEquals(ExitCodes.CONFIG, exitCode);
        assertEquals("referee: config error at " + file + ":4: sip.t3-ms: unknown key", err.toString().trim());
        assertEquals("", out.toString());
    }

    @Test
    void shouldNotStartTheNodeWhenTheConfigIsBad() throws Exception
    {
        final Path file = write("routes:\n  - user: \"(ab\"\n    target: \"127.0.0.1:5062\"\n");

        final int exitCode = execute(recordingCommandLine(), "run", "-c", file.toString());

        assertEquals(ExitCodes.CONFIG, exitCode);
        assertTrue(started.isEmpty());
        assertEquals("referee: config error at " + file + ":2: routes[0].user: bad regex: Unclosed group near index 3",
            err.toString().trim());
    }

    @Test
    void shouldCheckConfigWithExitCodes() throws Exception
    {
        assertEquals(ExitCodes.CONFIG, execute(RefereeMain.commandLine(), "check-config", "--config",
            write(BAD_CONFIG).toString()));
        assertTrue(err.toString().contains(":4: sip.t3-ms: unknown key"), err.toString());

        final Path good = write("listen: [\"tcp:[::1]:5070\"]\nadmin: off\n");
        assertEquals(ExitCodes.OK, execute(RefereeMain.commandLine(), "check-config", "--config", good.toString()));
        assertTrue(out.toString().contains("would listen on tcp:[::1]:5070; admin off"), out.toString());
    }

    @Test
    void shouldCheckTheEmbeddedDefaultWhenNoFileIsGiven()
    {
        assertEquals(ExitCodes.OK, execute(RefereeMain.commandLine(), "check-config"));
        assertTrue(out.toString().contains(
            "udp:127.0.0.1:5060, tcp:127.0.0.1:5060; admin http://127.0.0.1:8060"), out.toString());
    }

    @Test
    void shouldReportAMissingConfigFile()
    {
        final Path missing = dir.resolve("missing.yaml");

        assertEquals(ExitCodes.CONFIG, execute(RefereeMain.commandLine(), "run", "--config", missing.toString()));
        assertEquals("referee: config error at " + missing + ":0: (document): no such file", err.toString().trim());
    }

    @Test
    void shouldStartTheNodeAndSayWhereItListens()
    {
        final int exitCode = execute(recordingCommandLine(), "run");

        assertEquals(ExitCodes.OK, exitCode);
        assertEquals(1, started.size());
        assertEquals("referee: listening on udp:127.0.0.1:5060, tcp:127.0.0.1:5060; admin http://127.0.0.1:8060",
            out.toString().trim());
    }

    @Test
    void shouldSayThePortsTheSystemChoseWhereTheConfigSaysZero() throws Exception
    {
        final Path file = write("listen: [\"udp:127.0.0.1:0\", \"tcp:127.0.0.1:5070\"]\nadmin: \"127.0.0.1:0\"\n");

        assertEquals(ExitCodes.OK, execute(recordingCommandLine(), "run", "--config", file.toString()));

        assertEquals("referee: listening on udp:127.0.0.1:45060, tcp:127.0.0.1:5070; admin http://127.0.0.1:48060",
            out.toString().trim());
    }

    @Test
    void shouldExitWithOneWhenAPortCannotBeBound()
    {
        final NodeLauncher failing = (config) ->
        {
            throw new IllegalStateException("transport start failed", new BindException("Address already in use"));
        };

        final int exitCode = execute(RefereeMain.commandLine(failing), "run");

        assertEquals(ExitCodes.FAILURE, exitCode);
        assertEquals("referee: cannot bind an address (Address already in use); configured " +
            "udp:127.0.0.1:5060, tcp:127.0.0.1:5060; admin http://127.0.0.1:8060", err.toString().trim());
        assertEquals("", out.toString());
    }

    @Test
    void shouldListEveryCommandInTheTopLevelHelp()
    {
        assertEquals(ExitCodes.OK, execute(RefereeMain.commandLine(), "--help"));

        final String help = out.toString();
        assertTrue(help.contains("Usage: referee"), help);
        for (final String command : List.of("run", "check-config", "version", "help"))
        {
            assertTrue(
                help.lines().anyMatch((line) -> line.trim().startsWith(command + " ")), command + " in\n" + help);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "run", "check-config", "version" })
    void shouldGiveHelpForEveryCommand(final String command)
    {
        assertEquals(ExitCodes.OK, execute(RefereeMain.commandLine(), command, "--help"));

        assertTrue(out.toString().contains("Usage: referee " + command), out.toString());
        assertTrue(out.toString().contains("--help"), out.toString());
    }

    @Test
    void shouldTreatAMissingCommandAsAUsageError()
    {
        assertEquals(ExitCodes.CONFIG, execute(RefereeMain.commandLine()));
        assertTrue(err.toString().contains("Missing command"), err.toString());
        assertTrue(err.toString().contains("check-config"), err.toString());
    }

    @Test
    void shouldPrintTheVersion()
    {
        assertEquals(ExitCodes.OK, execute(RefereeMain.commandLine(), "version"));
        assertTrue(out.toString().startsWith("referee "), out.toString());
    }

    private CommandLine recordingCommandLine()
    {
        return RefereeMain.commandLine((config) ->
        {
            started.add(config);
            return new RunningNode()
            {
                // As a node does: where the configuration says port 0, the port the system chose (here 4xxxx).
                @Override
                public List<ListenAddress> boundAddresses()
                {
                    final List<ListenAddress> bound = new ArrayList<>();
                    for (final ListenAddress address : config.listen())
                    {
                        bound.add(new ListenAddress(address.transport(), chosen(address.address(), 45_060)));
                    }
                    return bound;
                }

                @Override
                public InetSocketAddress adminAddress()
                {
                    return config.admin() == null ? null : chosen(config.admin(), 48_060);
                }

                @Override
                public dev.referee.ops.admin.ReloadResult reload()
                {
                    return new dev.referee.ops.admin.ReloadResult(200, "reloaded");
                }

                @Override
                public void awaitClose()
                {
                    // Returns at once, as if the shutdown hook had closed the node.
                }

                @Override
                public void close()
                {
                }
            };
        });
    }

    private static InetSocketAddress chosen(final InetSocketAddress configured, final int systemChoice)
    {
        return configured.getPort() != 0 ? configured :
            new InetSocketAddress(configured.getAddress(), systemChoice);
    }

    private int execute(final CommandLine commandLine, final String... args)
    {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private Path write(final String yaml) throws Exception
    {
        final Path file = Files.createTempFile(dir, "referee", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
