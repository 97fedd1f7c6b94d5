package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Referee crashes with calls up and transfers ringing, is rebuilt from its journal, and everything goes on: BYEs from
 * either side reach the other, the interrupted transfers complete or fail with their NOTIFYs, and the whole journal
 * (both lives) replays exactly.
 */
class CrashRecoveryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFinishCallsAndInterruptedTransfersAfterRecovery() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 60_000)))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 77, 1_000_000_000L);
            final List<String> up = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                up.add(calls.establish(i));
            }
            calls.startBlindTransfer(up.get(4), 4);
            calls.startBlindTransfer(up.get(5), 5);
            assertEquals(6, calls.engine().activeCalls());

            calls.crashAndRecover(journal);
            assertEquals(6, calls.engine().activeCalls(), "calls rebuilt from the journal");

            calls.callerBye(up.get(0));
            calls.calleeBye(up.get(1));
            calls.callerBye(up.get(2));
            calls.calleeBye(up.get(3));
            calls.finishBlindTransfer(up.get(4), 4, 200);
            calls.finishBlindTransfer(up.get(5), 5, 486);
            calls.advanceMs(40_000);
            assertEquals(0, calls.engine().activeCalls());
            assertEquals(0, calls.engine().transactions());
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            int completed = 0;
            int failed = 0;
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                completed += record.type == RecordType.TRANSFER_COMPLETED ? 1 : 0;
                failed += record.type == RecordType.TRANSFER_FAILED ? 1 : 0;
            }
            assertEquals(1, completed);
            assertEquals(1, failed);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }
}
