package dev.referee.journal;

import dev.referee.config.RefereeConfig.JournalConfig;
import dev.referee.config.RefereeConfig.JournalRoll;
import dev.referee.engine.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures a restart with 10,000 established calls: opening the journal, replaying every input into a fresh
 * engine, until the calls are back. The figure goes to docs/journal-format.md (Recovery). Run:
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
}
