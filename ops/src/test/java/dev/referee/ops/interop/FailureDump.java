package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints what the processes of a failed interop test said: the last lines of Referee's log and of the SIPp runs
 * registered for the current test. Register with {@code @RegisterExtension}, in a static field.
 * <p>
 * It also makes the tests' working directories ({@link #workDir}) and deletes them once they are no longer wanted,
 * after the class's last test and its after-all methods (which stop the processes some classes share between tests): a
 * test's own when it passed, the class's when none of its tests failed. A failed test's stay in the temp directory
 * with the journals, logs and SIPp files that tell why (about 30 directories and hundreds of MB a suite run, which
 * filled a developer's disk when nothing was ever deleted).
 */
final class FailureDump implements TestWatcher, BeforeEachCallback, AfterAllCallback
{
    private final List<Supplier<String>> classWide = new CopyOnWriteArrayList<>();
    private final List<Supplier<String>> perTest = new CopyOnWriteArrayList<>();
    private final List<Path> classDirs = new CopyOnWriteArrayList<>();
    private final List<Path> testDirs = new CopyOnWriteArrayList<>();
    private final List<Path> passedDirs = new CopyOnWriteArrayList<>();
    private volatile boolean inTest;
    private volatile boolean anyFailed;

    /**
     * A new temp directory named {@code prefix...}: the current test's when made in a test or its before-each, the
     * class's when made before all of them.
     */
    Path workDir(final String prefix) throws IOException
    {
        final Path dir = Files.createTempDirectory(prefix);
        (inTest ? testDirs : classDirs).add(dir);
        return dir;
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        inTest = true;
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        deleteAll(passedDirs);
        if (!anyFailed)
        {
            deleteAll(classDirs);
        }
        classDirs.clear();
    }

    /** A source dumped on every failure of the class (e.g. Referee's log tail). */
    void always(final Supplier<String> source)
    {
        classWide.add(source);
    }

    /** A source dumped if the current test fails. */
    <T extends SippRun> T track(final T run)
    {
        perTest.add(run::describe);
        return run;
    }

    @Override
    public void testFailed(final ExtensionContext context, final Throwable cause)
    {
        final StringBuilder out = new StringBuilder("=== interop failure in ").append(context.getDisplayName())
            .append(" ===\n");
        for (final Supplier<String> source : classWide)
        {
            out.append(safely(source)).append('\n');
        }
        for (final Supplier<String> source : perTest)
        {
            out.append(safely(source)).append('\n');
        }
        System.err.println(out);
        perTest.clear();
        anyFailed = true;
        testDirs.clear(); // kept
        inTest = false;
    }

    @Override
    public void testSuccessful(final ExtensionContext context)
    {
        endedWithoutFailure();
    }

    @Override
    public void testAborted(final ExtensionContext context, final Throwable cause)
    {
        endedWithoutFailure();
    }

    /** The test's directories go with the class's end: its processes may be stopped only after all of its tests. */
    private void endedWithoutFailure()
    {
        perTest.clear();
        passedDirs.addAll(testDirs);
        testDirs.clear();
        inTest = false;
    }

    private static void deleteAll(final List<Path> dirs)
    {
        for (final Path dir : dirs)
        {
            try (Stream<Path> files = Files.walk(dir))
            {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(file);
                }
            }
            catch (final IOException | java.io.UncheckedIOException ex)
            {
                // A process still writing there: the directory stays, as it did before.
            }
        }
        dirs.clear();
    }

    private static String safely(final Supplier<String> source)
    {
        try
        {
            return source.get();
        }
        catch (final RuntimeException | AssertionError ex)
        {
            return "(cannot dump: " + ex + ")";
        }
    }
}
