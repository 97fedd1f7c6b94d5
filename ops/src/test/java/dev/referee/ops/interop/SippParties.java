package dev.referee.ops.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The SIPp processes of one multi-party test (caller, callee, transfer target, ...). Start the callees first
 * ({@link Sipp#start()} returns once their port is bound), then the callers; {@link #assertAllSucceeded} waits for
 * all of them and fails with every process that did not complete exactly its calls. Closing stops them by PID.
 */
final class SippParties implements AutoCloseable
{
    private final FailureDump dump;
    private final List<SippRun> runs = new ArrayList<>();
    private final List<Integer> expectedCalls = new ArrayList<>();

    SippParties(final FailureDump dump)
    {
        this.dump = dump;
    }

    /** Starts one party that must complete {@code calls} calls with none failed. */
    SippRun start(final Sipp spec, final int calls)
    {
        final SippRun run = dump.track(spec.start());
        runs.add(run);
        expectedCalls.add(calls);
        return run;
    }

    /**
     * Waits (at most {@code bound} in all) for every party to exit, then fails unless each one exited 0 with exactly
     * its calls successful; the message names every party that did not.
     */
    List<SippResult> assertAllSucceeded(final Duration bound)
    {
        final long deadlineNs = System.nanoTime() + bound.toNanos();
        final List<SippResult> results = new ArrayList<>();
        final StringBuilder failures = new StringBuilder();
        for (int i = runs.size() - 1; i >= 0; i--) // callers were started last: they finish first
        {
            final Duration left = Duration.ofNanos(Math.max(1_000_000_000L, deadlineNs - System.nanoTime()));
            final SippResult result = runs.get(i).awaitResult(left);
            results.add(0, result);
            if (!result.allSucceeded(expectedCalls.get(i)))
            {
                failures.append("\n").append(result.name()).append(": expected ").append(expectedCalls.get(i))
                    .append(" successful calls and 0 failed, got ").append(result).append('\n')
                    .append(result.details());
            }
        }
        if (failures.length() > 0)
        {
            throw new AssertionError("SIPp parties failed:" + failures);
        }
        return results;
    }

    @Override
    public void close()
    {
        for (final SippRun run : runs)
        {
            run.close();
        }
    }
}
