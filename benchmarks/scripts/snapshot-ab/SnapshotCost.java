import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.journal.MemorySink;
import dev.referee.journal.SyntheticCalls;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One build's engine in the state EngineSnapshotBenchmark builds ({@code calls} basic calls ended within 64*T1: their
 * transactions all waiting), and one journal snapshot of it, timed. Loaded once per build by {@link SnapshotBuildsAB},
 * each copy in its own class loader, so it uses only what every build since snapshot layout version 4 has.
 */
public final class SnapshotCost
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final SnapshotWriter WRITER = SnapshotWriter.offHeap(256 * 1024);
    private static SyntheticCalls phones;

    private SnapshotCost()
    {
    }

    public static String setUp(final int calls)
    {
        final MemorySink sink = new MemorySink();
        phones = new SyntheticCalls(sink, SyntheticCalls.config(SyntheticCalls.key(7)), 1_000_000_000L, 50_000);
        for (int i = 0; i < calls; i++)
        {
            phones.callerBye(phones.establish(i));
            if (i % 1_000 == 999)
            {
                sink.records().clear();
            }
        }
        sink.records().clear();
        return phones.engine().transactions() + " transactions waiting";
    }

    /** One snapshot: {thread CPU ns, wall ns, bytes}. */
    public static long[] snapshot()
    {
        WRITER.reset();
        final long cpuNs = THREADS.getCurrentThreadCpuTime();
        final long wallNs = System.nanoTime();
        EngineSnapshot.write(phones.engine(), WRITER);
        return new long[]{ THREADS.getCurrentThreadCpuTime() - cpuNs, System.nanoTime() - wallNs, WRITER.length() };
    }
}
