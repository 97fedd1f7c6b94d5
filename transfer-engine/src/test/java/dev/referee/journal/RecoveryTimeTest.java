package dev.referee.journal;

import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures a restart with 10,000 established calls: opening the journal, replaying every input into a fresh
 * engine, until the calls are back; and, after an hour of uptime, restoring the latest snapshot and replaying the
 * inputs after it against replaying the whole journal. The figures go to docs/journal-format.md (Recovery). Run:
 * {@code mvn -o -B -pl transfer-engine -am test -Dtest=RecoveryTimeTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class RecoveryTimeTest
{
    private static final int CALLS = 10_000;

    @TempDir
    Path dir;

    @Test
    void shouldRecoverTenThousandEstablishedCalls() throws Exception
    {
        final JournalConfig config = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
        try (Journal journal = Journal.openForWriting(dir, config))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 11, 1_000_000_000L);
            for (int i = 0; i < CALLS; i++)
            {
                calls.establish(i);
            }
            calls.advanceMs(1_000);
            assertEquals(CALLS, calls.engine().activeCalls());
        }

        long bestNs = Long.MAX_VALUE;
        long inputs = 0;
        for (int round = 0; round < 3; round++)
        {
            final long startNs = System.nanoTime();
            try (Journal journal = Journal.openForWriting(dir, config); JournalReader reader = journal.newReader())
            {
                final RecoveryGate gate = new RecoveryGate((t, d, c, b, o, l) -> true, EngineEvents.NONE);
                final JournalRecovery.Rebuilt rebuilt =
                    JournalRecovery.rebuild(reader.next(), reader, gate, new EngineCounters());
                assertEquals(CALLS, rebuilt.engine().activeCalls());
                inputs = rebuilt.replayer().inputs();
            }
            bestNs = Math.min(bestNs, System.nanoTime() - startNs);
        }
        System.out.printf("recovery of %,d established calls: %,d inputs replayed in %d ms (best of 3)%n",
            CALLS, inputs, bestNs / 1_000_000);
    }

    /**
     * 10,000 calls set up, then an hour of ticks (every 10 ms) with a short call every second, a snapshot, and 30
     * seconds more (half a 60 s snapshot interval, the average a crash finds). Both recoveries must rebuild the same
     * engine, byte for byte.
     */
    @Test
    void shouldRecoverTenThousandLongCallsFromASnapshotAfterAnHourOfUptime() throws Exception
    {
        final JournalConfig config = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
        final long snapshotNs;
        final int snapshotBytes;
        try (Journal journal = Journal.openForWriting(dir, config))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 12, 1_000_000_000L);
            for (int i = 0; i < CALLS; i++)
            {
                calls.establish(i);
            }
            for (int second = 0; second < 3_600; second++)
            {
                calls.advanceMs(1_000);
                calls.callerBye(calls.establish(CALLS + second));
            }
            calls.advanceMs(40_000);
            // The engine thread's pause: encoding (warm, best of 3) and appending one snapshot to the journal.
            long encodeNs = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++)
            {
                final long startNs = System.nanoTime();
                EngineSnapshot.take(calls.engine());
                encodeNs = Math.min(encodeNs, System.nanoTime() - startNs);
            }
            final long startNs = System.nanoTime();
            calls.snapshot();
            snapshotNs = System.nanoTime() - startNs;
            snapshotBytes = EngineSnapshot.take(calls.engine()).length;
            System.out.printf("encoding a snapshot of %,d calls: %d ms (warm, best of 3)%n", CALLS,
                encodeNs / 1_000_000);
            for (int second = 0; second < 30; second++)
            {
                calls.advanceMs(1_000);
                calls.callerBye(calls.establish(CALLS + 3_600 + second));
            }
            assertEquals(CALLS, calls.engine().activeCalls());
        }

        final long[] bestNs = {Long.MAX_VALUE, Long.MAX_VALUE};
        final long[] inputs = new long[2];
        final byte[][] states = new byte[2][];
        for (int round = 0; round < 3; round++)
        {
            for (int way = 0; way < 2; way++)
            {
                final long startNs = System.nanoTime();
                try (Journal journal = Journal.openForWriting(dir, config); JournalReader reader = journal.newReader())
                {
                    final RecoveryGate gate = new RecoveryGate((t, d, c, b, o, l) -> true, EngineEvents.NONE);
                    final JournalRecord first = reader.next();
                    final JournalRecovery.Rebuilt rebuilt = way == 0 ?
                        JournalRecovery.rebuild(first, journal, gate, new EngineCounters()) :
                        JournalRecovery.rebuild(first, reader, gate, new EngineCounters());
                    bestNs[way] = Math.min(bestNs[way], System.nanoTime() - startNs);
                    assertEquals(CALLS, rebuilt.engine().activeCalls());
                    inputs[way] = rebuilt.replayer().inputs();
                    states[way] = EngineSnapshot.take(rebuilt.engine());
                }
            }
        }
        assertArrayEquals(states[1], states[0], "the same engine either way");
        System.out.printf("snapshot of %,d calls after 1 h: %,d bytes written in %d ms%n",
            CALLS, snapshotBytes, snapshotNs / 1_000_000);
        System.out.printf("recovery from the snapshot: %,d inputs replayed, %d ms (best of 3)%n",
            inputs[0], bestNs[0] / 1_000_000);
        System.out.printf("recovery without snapshot: %,d inputs replayed, %d ms (best of 3)%n",
            inputs[1], bestNs[1] / 1_000_000);
    }
}
