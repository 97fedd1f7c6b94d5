package dev.referee.ops.node;

import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalRoll;
import dev.referee.journal.OutputRecords;
import dev.referee.ops.config.ConfigLoader;
import dev.referee.ops.config.RefereeConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up runs real calls through a throwaway node and leaves nothing of it behind. */
class WarmUpTest
{
    @Test
    void shouldCompleteRealCallsThroughAThrowawayNodeAndRemoveItsFiles(@TempDir final Path temp) throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse(
            "listen: [\"udp:127.0.0.1:5060\"]\nwarm-up:\n  calls: 300\n  max-time: 20s\n", "test.yaml");

        final WarmUp.Result result = WarmUp.run(config, temp);

        assertTrue(result.answered() >= 300, result::toString);
        assertTrue(result.answered() <= result.calls(), result::toString);
        // The journal's snapshot is a planned pause with branches of its own in the pipeline's hot loops: taken in
        // both halves, they are compiled before the real node's first snapshot.
        assertTrue(result.snapshotsStaged() > 0 && result.snapshotsEngineReading() > 0, result::toString);
        // Repeated messages (one call in 16 sends its INVITE, BYE and 200 twice) leave every call completed: the
        // 300 calls still end, each once.
        assertTrue(result.repeated() >= 3 * 300 / WarmUpPhones.REPEAT_EVERY, result::toString);
        // With 20 s, the transfer warm-up runs whole after the basic calls.
        assertEquals(300 / WarmUp.TRANSFER_SHARE, result.transferCalls(), result::toString);
        try (Stream<Path> left = Files.list(temp))
        {
            assertEquals(0, left.count(), "the warm-up journal and call records are deleted");
        }
    }

    @Test
    void shouldSnapshotTheWarmUpNodeAboutEveryQuarterCallsInputsButKeepTheRealJournalsOtherSettings()
    {
        final JournalConfig real = new JournalConfig(JournalRoll.HOURLY, 3, 45_000, true, 300_000, OutputRecords.FULL);

        assertEquals(new JournalConfig(JournalRoll.HOURLY, 3, 45_000, true, 2_500, OutputRecords.FULL),
            WarmUp.snapshotting(real, 10_000));
        assertEquals(WarmUp.MIN_SNAPSHOT_INPUTS, WarmUp.snapshotting(real, 10).snapshotInputs());
        assertFalse(WarmUp.snapshotting(new JournalConfig(JournalRoll.DAILY, 7, 60_000, false), 10_000).enabled());
    }

    @Test
    void shouldDoNothingWhenDisabled(@TempDir final Path temp) throws Exception
    {
        final RefereeConfig config = ConfigLoader.parse("warm-up:\n  calls: 0\n", "test.yaml");

        assertNull(WarmUp.run(config, temp));
        try (Stream<Path> left = Files.list(temp))
        {
            assertEquals(0, left.count());
        }
    }
}
