package dev.referee.ops.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ops/systemd/referee.service (issue 11, "Running it as a service"): systemd itself finds nothing wrong in it, and it
 * runs the launcher (the jar with the launcher's JVM flags, from ops/jvm-flags.sh) as its own user, restarts on failure
 * and reloads by SIGHUP.
 */
class SystemdUnitTest
{
    private static final Path UNIT = Paths.get("systemd", "referee.service").toAbsolutePath();
    private static final Path SYSTEMD_ANALYZE = Paths.get("/usr/bin/systemd-analyze");

    @TempDir
    Path dir;

    @Test
    void shouldRunTheLauncherAsItsOwnUserRestartOnFailureAndReloadBySighup() throws IOException
    {
        final List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8);
        assertTrue(lines.contains("ExecStart=/opt/referee/referee run --config /etc/referee/referee.yaml"), "launcher");
        assertTrue(lines.contains("ExecReload=/bin/kill -HUP $MAINPID"), "reload is SIGHUP");
        assertTrue(lines.contains("User=referee"), "a dedicated user");
        assertTrue(lines.contains("Restart=on-failure"));
        assertTrue(lines.contains("RestartPreventExitStatus=2"), "a bad configuration is not restarted in a loop");
        final String launcher = Files.readString(Paths.get("..", "referee"), StandardCharsets.UTF_8);
        assertTrue(launcher.contains("source \"$root/ops/jvm-flags.sh\"") &&
            launcher.contains("\"${referee_jvm_flags[@]}\" \"${referee_gc_flags[@]}\"") &&
            launcher.contains("-jar \"$jar\""), "the launcher the unit runs starts the jar with its JVM flags");
    }

    /** The flags the launcher takes from ops/jvm-flags.sh, as bash resolves them on this machine. */
    @Test
    void shouldGiveTheLauncherAFixedHeapG1HugePagesAndAnExitOnOutOfMemory() throws Exception
    {
        final Process flags = new ProcessBuilder("bash", "-c",
            "source jvm-flags.sh && printf '%s\\n' \"${referee_jvm_flags[@]}\" \"${referee_gc_flags[@]}\"")
            .redirectErrorStream(true).start();
        assertTrue(flags.waitFor(30, TimeUnit.SECONDS), "bash ended");
        final List<String> resolved = new String(flags.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines().toList();
        assertEquals(0, flags.exitValue(), String.join("\n", resolved));
        assertTrue(resolved.containsAll(List.of("-Xms1536m", "-Xmx1536m", "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UseG1GC", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")), resolved.toString());
        // This JDK is 17 (pom.xml): G1's hot card cache is enlarged (docs/benchmarks.md "G1 refinement").
        assertEquals(Runtime.version().feature() < 21, resolved.contains("-XX:G1ConcRSLogCacheSize=16"),
            resolved.toString());
        // The heap in huge pages where the kernel grants them on request (docs/benchmarks.md "huge pages"), and no
        // flag (which would only print a warning) where it does not.
        final Path thp = Paths.get("/sys/kernel/mm/transparent_hugepage/enabled");
        final boolean thpOnRequest = Files.isReadable(thp) &&
            Files.readString(thp, StandardCharsets.UTF_8).matches("(?s).*\\[(always|madvise)\\].*");
        assertEquals(thpOnRequest, resolved.contains("-XX:+UseTransparentHugePages"), resolved.toString());
    }

    @Test
    void shouldPassSystemdsOwnCheck() throws Exception
    {
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "no systemd-analyze on this machine");
        final Path copy = Files.copy(UNIT, dir.resolve("referee.service"));
        final Process verify = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", copy.toString())
            .redirectErrorStream(true).start();
        assertTrue(verify.waitFor(30, TimeUnit.SECONDS), "systemd-analyze verify ended");
        final String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // The one complaint expected here: the install (/opt/referee) is not on this machine.
        final List<String> complaints = output.lines()
            .filter(line -> !line.isBlank() && !line.contains("/opt/referee/referee is not executable")).toList();
        assertEquals(List.of(), complaints, output);
    }
}
