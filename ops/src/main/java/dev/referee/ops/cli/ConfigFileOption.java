package dev.referee.ops.cli;

import dev.referee.config.ConfigException;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;

import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** The {@code --config FILE} option shared by the commands that read a configuration. */
public final class ConfigFileOption
{
    @Option(
        names = { "-c", "--config" },
        paramLabel = "FILE",
        description = "YAML configuration file (default: the embedded " + ConfigLoader.DEFAULT_RESOURCE + ").")
    Path file;

    /** Where the configuration comes from, as error messages name it. */
    public String sourceName()
    {
        return file == null ? ConfigLoader.DEFAULT_SOURCE : file.toString();
    }

    /** The configuration, or null after printing the error to {@code err}. */
    public RefereeConfig loadOrReport(final PrintWriter err)
    {
        try
        {
            return ConfigLoader.load(file);
        }
        catch (final ConfigException ex)
        {
            err.println("referee: config error at " + ex.source() + ":" + ex.line() + ": " + ex.keyPath() + ": " +
                ex.reason());
            err.flush();
            return null;
        }
    }
}
