package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replay determinism at scale: 10,000 mixed calls (hang-ups both ways, blind transfers completed and failed). */
class LargeJournalReplayTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReplayTenThousandMixedCallsAndTransfersExactly() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 60_000)))
        {
            JournalReplayTest.mixedCalls(new SyntheticCalls(journal.newSink(), 10_000, 1_000_000_000L), 10_000);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertEquals(0, result.unrecordedAtEnd());
            assertTrue(result.outputs() > 80_000 && result.events() > 50_000, result.toString());
            System.out.println("replayed 10,000 mixed calls exactly: " + result);
        }
    }
}
