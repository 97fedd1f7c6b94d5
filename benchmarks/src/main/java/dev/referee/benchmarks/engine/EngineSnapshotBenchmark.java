package dev.referee.benchmarks.engine;

import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.journal.MemorySink;
import dev.referee.journal.SyntheticCalls;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * How long a journal snapshot holds the engine thread with a high call rate's state: {@code calls} basic calls
 * (INVITE, 180, 200, ACK, BYE, 200) set up and ended within 64*T1, 50 us of engine time between messages (3,300 calls
 * a second), so that their transactions all still wait out Timers J, K, L and D, as they do in a node that has run
 * 30 s at that rate. 90,000 calls leave some 287,000 transactions, the state the node had at 3,000 calls/s. Each
 * operation is one {@code EngineSnapshot.write} into a kept {@link SnapshotWriter}, as {@code JournalSnapshotter}
 * does every {@code journal.snapshot-interval}; the append of its parts to Chronicle is not in it.
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EngineSnapshotBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, batchSize = 1, time = 1)
@Measurement(iterations = 10, batchSize = 1, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms4g", "-Xmx4g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true" })
@State(Scope.Benchmark)
public class EngineSnapshotBenchmark
{
    /** 50 us between messages: about 3,300 calls a second of engine time. */
    private static final long STEP_NS = 50_000;

    @Param({ "90000" })
    public int calls;

    private SyntheticCalls phones;
    private final SnapshotWriter writer = new SnapshotWriter(1 << 20);

    @Setup(Level.Trial)
    public void setUp()
    {
        final MemorySink sink = new MemorySink();
        phones = new SyntheticCalls(sink, SyntheticCalls.config(SyntheticCalls.key(7)), 1_000_000_000L, STEP_NS);
        for (int i = 0; i < calls; i++)
        {
            phones.callerBye(phones.establish(i));
            if (i % 1_000 == 999)
            {
                sink.records().clear();
            }
        }
        sink.records().clear();
        if (phones.engine().activeCalls() != 0)
        {
            throw new IllegalStateException(phones.engine().activeCalls() + " calls left");
        }
        System.out.printf("%n%,d calls ended, %,d transactions waiting%n", calls, phones.engine().transactions());
    }

    @Benchmark
    public int write()
    {
        writer.reset();
        EngineSnapshot.write(phones.engine(), writer);
        return writer.length();
    }
}
