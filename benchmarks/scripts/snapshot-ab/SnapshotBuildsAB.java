import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Two builds' snapshots of the same state, alternated in one JVM (a class loader each): on a shared machine, two JMH
 * runs one after the other differ by more than a change does (the same code measured 384 and 617 ms/op within minutes,
 * 2026-12-05); here both builds see the same machine, round after round, and each snapshot's CPU time is its thread's.
 * Arguments: CALLS ROUNDS A.jar B.jar (benchmarks jars).
 */
public final class SnapshotBuildsAB
{
    private static final int WARM_UP_ROUNDS = 5;

    private SnapshotBuildsAB()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int calls = Integer.parseInt(args[0]);
        final int rounds = Integer.parseInt(args[1]);
        final Method[] snapshot = new Method[2];
        for (int build = 0; build < 2; build++)
        {
            final URLClassLoader loader = new URLClassLoader(new URL[]{ Path.of(args[2 + build]).toUri().toURL(),
                Path.of(System.getProperty("snapshot-ab.classes")).toUri().toURL() },
                ClassLoader.getPlatformClassLoader());
            final Class<?> cost = loader.loadClass("SnapshotCost");
            System.out.println((char)('A' + build) + " " + args[2 + build] + ": " +
                cost.getMethod("setUp", int.class).invoke(null, calls));
            snapshot[build] = cost.getMethod("snapshot");
        }
        final long[][] cpuNs = new long[2][rounds];
        final long[][] wallNs = new long[2][rounds];
        long bytes = 0;
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++)
        {
            for (int turn = 0; turn < 2; turn++)
            {
                final int build = (round & 1) == 0 ? turn : 1 - turn; // each goes first every other round
                final long[] taken = (long[])snapshot[build].invoke(null);
                if (round >= 0)
                {
                    cpuNs[build][round] = taken[0];
                    wallNs[build][round] = taken[1];
                    bytes = taken[2];
                }
            }
        }
        System.out.printf("snapshot of %,d bytes, %d rounds each%n", bytes, rounds);
        for (int build = 0; build < 2; build++)
        {
            Arrays.sort(cpuNs[build]);
            Arrays.sort(wallNs[build]);
            System.out.printf("%c: CPU ms min %.1f median %.1f max %.1f; wall ms median %.1f%n", (char)('A' + build),
                cpuNs[build][0] / 1e6, cpuNs[build][rounds / 2] / 1e6, cpuNs[build][rounds - 1] / 1e6,
                wallNs[build][rounds / 2] / 1e6);
        }
    }
}
