package dev.referee.ops.interop;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints what the processes of a failed interop test said: the last lines of Referee's log and of the SIPp runs
 * registered for the current test. Register with {@code @RegisterExtension}.
 */
final class FailureDump implements TestWatcher
{
    private final List<Supplier<String>> classWide = new CopyOnWriteArrayList<>();
    private final List<Supplier<String>> perTest = new CopyOnWriteArrayList<>();

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
    }

    @Override
    public void testSuccessful(final ExtensionContext context)
    {
        perTest.clear();
    }

    @Override
    public void testAborted(final ExtensionContext context, final Throwable cause)
    {
        perTest.clear();
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
