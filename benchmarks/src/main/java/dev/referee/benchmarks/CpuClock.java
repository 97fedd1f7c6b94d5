package dev.referee.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the benchmark thread over the measured invocations of an iteration, printed per operation at its end:
 * on a shared machine another process's load stretches JMH's wall-clock score, not this thread's CPU time. Either
 * around each invocation (started last in the invocation's set-up, stopped first in its tear-down: the measured
 * method only, and the JMH call around it), or around a whole iteration for invocations too short to time one by
 * one ({@link #stop(long)} with the count of invocations the benchmark kept: JMH's loop is then included, a few
 * nanoseconds an invocation).
 */
public final class CpuClock
{
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String name;
    private final int opsPerInvocation;
    private long startNs;
    private long totalNs;
    private long invocations;

    public CpuClock(final String name, final int opsPerInvocation)
    {
        this.name = name;
        this.opsPerInvocation = opsPerInvocation;
    }

    public void start()
    {
        startNs = threads.getCurrentThreadCpuTime();
    }

    public void stop()
    {
        stop(1);
    }

    /** Stops after {@code count} invocations since {@link #start()}. */
    public void stop(final long count)
    {
        totalNs += threads.getCurrentThreadCpuTime() - startNs;
        invocations += count;
    }

    /** Prints this iteration's CPU time per operation and per second of CPU, then starts over. */
    public void report()
    {
        if (invocations > 0)
        {
            final double nsPerOp = (double)totalNs / (invocations * opsPerInvocation);
            System.out.printf("%n  [cpu] %s: %.2f us CPU per op, %.0f ops per CPU second (%d invocations)%n",
                name, nsPerOp / 1000.0, 1e9 / nsPerOp, invocations);
        }
        totalNs = 0;
        invocations = 0;
    }
}
