package dev.referee.benchmarks.engine;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Complete basic UDP calls through the engine alone, on one thread, with a fake clock: one operation is one call
 * (6 messages in, 7 out). {@code harnessOnly} does the phones' share of that work with no engine (build the 6
 * inputs, parse them, copy and parse the 3 messages the phones answer), so engine cost = basicCall - harnessOnly,
 * in time and in bytes per call ({@code -prof gc}).
 * <p>
 * The fake clock advances 100 us per message, so finished transactions linger for their RFC 3261 timers (J, K, ...)
 * as they would at ~1,700 calls/s, and the timer wheel and maps carry a realistic standing population.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class EngineBasicCallBenchmark
{
    @State(Scope.Thread)
    public static class WithEngine
    {
        BasicCallDriver driver;

        @Setup(Level.Trial)
        public void setUp()
        {
            driver = BasicCallDriver.withEngine();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            // Every call must have ended: a leak here would make the figures meaningless.
            if (driver.engine().activeCalls() != 0 || driver.engine().dialogs() != 0)
            {
                throw new IllegalStateException("calls left: " + driver.engine().activeCalls());
            }
        }
    }

    @State(Scope.Thread)
    public static class HarnessOnly
    {
        BasicCallDriver driver;

        @Setup(Level.Trial)
        public void setUp()
        {
            driver = BasicCallDriver.baseline(BasicCallDriver.withEngine());
        }
    }

    @Benchmark
    public int basicCall(final WithEngine state)
    {
        return state.driver.call();
    }

    @Benchmark
    public int harnessOnly(final HarnessOnly state)
    {
        return state.driver.call();
    }
}
