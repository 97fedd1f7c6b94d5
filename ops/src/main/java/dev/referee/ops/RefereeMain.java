package dev.referee.ops;

import dev.referee.ops.cli.CheckConfigCommand;
import dev.referee.ops.cli.ReloadCommand;
import dev.referee.ops.cli.NodeLauncher;
import dev.referee.ops.cli.RunCommand;
import dev.referee.ops.cli.VersionCommand;
import dev.referee.ops.cli.VersionProvider;
import dev.referee.ops.demo.DemoCommand;
import dev.referee.ops.journal.JournalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** The {@code referee} command: the entry point of the runnable jar. */
@Command(
    name = "referee",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "SIP B2BUA / session border controller that performs call transfers in the network.",
    commandListHeading = "%nCommands:%n")
public final class RefereeMain implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command line wired to the real node. */
    public static CommandLine commandLine()
    {
        return commandLine(NodeLauncher.REFEREE_NODE);
    }

    /** The command line with {@code run} starting nodes through {@code launcher}. */
    public static CommandLine commandLine(final NodeLauncher launcher)
    {
        return new CommandLine(new RefereeMain())
            .addSubcommand(new RunCommand(launcher))
            .addSubcommand(new CheckConfigCommand())
            .addSubcommand(new ReloadCommand())
            .addSubcommand(new VersionCommand())
            .addSubcommand(new JournalCommand())
            .addSubcommand(new DemoCommand())
            .addSubcommand(new CommandLine.HelpCommand());
    }

    /** {@code referee} alone is a usage error: say which commands exist. */
    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }
}
