package dev.referee.benchmarks.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the benchmark thread over the measured invocations of an iteration, printed per operation at its end:
 * on a shared machine another process's load stretches JMH's wall-clock score, not this thread's CPU time. Started
 * last in the invocation's set-up, stopped first in its tear-down, so it covers the measured method only (and the
 * JMH call around it).
 */
final class CpuClock
{
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String name;
    private final int opsPerInvocation;
    private long startNs;
    private long totalNs;
    private long invocations;

    CpuClock(final String name, final int opsPerInvocation)
    {
        this.name = name;
        this.opsPerInvocation = opsPerInvocation;
    }

    void start()
    {
        startNs = threads.getCurrentThreadCpuTime();
    }

    void stop()
    {
        totalNs += threads.getCurrentThreadCpuTime() - startNs;
        invocations++;
    }

    /** Prints this iteration's CPU time per operation and per second of CPU, then starts over. */
    void report()
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
