package dev.referee.ops.journal;

import dev.referee.ops.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code referee journal ...}: the operators' tools over a journal. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Read a journal: list calls, add them up, show one, draw its ladder, replay it, export a pcap, follow it.",
    commandListHeading = "%nCommands:%n",
    subcommands = {
        CallsCommand.class, StatsCommand.class, ShowCommand.class, LadderCommand.class, ReplayCommand.class, PcapCommand.class,
        TailCommand.class, CommandLine.HelpCommand.class })
public final class JournalCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing journal command");
    }
}
