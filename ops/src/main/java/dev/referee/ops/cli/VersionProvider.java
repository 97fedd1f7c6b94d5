package dev.referee.ops.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version comes from the pom.properties that Maven puts in the jar, so it cannot drift from the build;
 * run from classes (tests, IDE) it says so.
 */
public final class VersionProvider implements IVersionProvider
{
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.referee/ops/pom.properties";

    @Override
    public String[] getVersion()
    {
        return new String[] {
            "referee " + version(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }

    public static String version()
    {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES))
        {
            if (in != null)
            {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        }
        catch (final IOException ignore)
        {
            // Fall through: a version we cannot read is reported as such, it is not a reason to fail.
        }
        return "unknown (not run from the packaged jar)";
    }
}
