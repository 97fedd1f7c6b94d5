package dev.referee.ops.cli;

import dev.referee.ops.config.RefereeConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code referee check-config}: validate a configuration without starting anything. */
@Command(
    name = "check-config",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Validate a configuration file and exit: 0 when valid, 2 with the key and line of the first error."
    })
public final class CheckConfigCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Override
    public Integer call()
    {
        final RefereeConfig refereeConfig = config.loadOrReport(spec.commandLine().getErr());
        if (refereeConfig == null)
        {
            return ExitCodes.CONFIG;
        }
        spec.commandLine().getOut().println("referee: " + config.sourceName() + " is valid; would listen on " +
            RunCommand.listening(refereeConfig).substring("referee: listening on ".length()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
