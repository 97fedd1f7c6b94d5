package dev.referee.journal;

import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal.retain}: old cycle files beyond it are deleted, never those a restart needs, so that a node whose
 * node-start retention deleted still recovers (from its latest snapshot, which carries the configuration and the
 * identifier key) and its journal still replays.
 */
class JournalRetentionTest
{
    private static final long MINUTE_MS = 60_000;

    @TempDir
    Path dir;

    /** Minutely cycles written on a clock the test moves; calls set up in each minute, some hung up. */
    private static final long START_MS = TimeUnit.DAYS.toMillis(20_000);
    private final SetTimeProvider cycleClock = new SetTimeProvider(TimeUnit.MILLISECONDS.toNanos(START_MS));
    private final List<String> up = new ArrayList<>();

    @Test
    void shouldDeleteNothingBeforeTheFirstSnapshotSinceARestartNeedsNodeStart() throws Exception
    {
        try (Journal journal = CycleClockJournals.openForWriting(dir, config(2), cycleClock))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 31, 1_000_000_000L);
            for (int minute = 0; minute < 5; minute++)
            {
                callsOfAMinute(calls, minute);
            }
            journal.housekeep();
            assertEquals(5, Journal.cycleFiles(dir).size());

            calls.crashAndRecover(journal);
            assertEquals(up.size(), calls.engine().activeCalls(), "every call still up, replayed from node-start");
        }
    }

    @Test
    void shouldKeepTheCycleOfTheLatestSnapshotWhateverRetainSays() throws Exception
    {
        try (Journal journal = CycleClockJournals.openForWriting(dir, config(2), cycleClock))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 32, 1_000_000_000L);
            callsOfAMinute(calls, 0);
            callsOfAMinute(calls, 1);
            calls.snapshot();
            callsOfAMinute(calls, 2);
            callsOfAMinute(calls, 3);
            journal.housekeep();
            // retain 2 would keep minutes 2 and 3; the snapshot that a restart starts from is in minute 1. (The
            // housekeeping thread may have run at a roll already: the outcome is the same.)
            assertEquals(List.of("0001", "0002", "0003"), minutesOfTheFiles());

            callsOfAMinute(calls, 4);
            calls.snapshot();
            journal.housekeep();
            assertEquals(List.of("0003", "0004"), minutesOfTheFiles(), "retain governs once the snapshot is recent");
        }
    }

    /**
     * Housekeeping looks at the cycle of the latest snapshot, and Chronicle tells of every cycle acquired: only a new
     * cycle (a roll) may start housekeeping again, else it would start itself without end.
     */
    @Test
    void shouldHousekeepOncePerRollNotOncePerCycleLookedAt() throws Exception
    {
        try (Journal journal = CycleClockJournals.openForWriting(dir, config(2), cycleClock))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 34, 1_000_000_000L);
            callsOfAMinute(calls, 0);
            calls.snapshot();
            callsOfAMinute(calls, 1);
            journal.housekeep();
            final long settled = settledHousekeepings(journal);
            assertEquals(settled, settledHousekeepings(journal), "housekeeping started itself again");

            callsOfAMinute(calls, 2);
            assertTrue(settledHousekeepings(journal) > settled, "a roll starts it");
        }
    }

    /** Housekeepings once Chronicle's background notices and the housekeeping thread's queue have been run. */
    private static long settledHousekeepings(final Journal journal) throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            BackgroundResourceReleaser.releasePendingResources();
            journal.awaitHousekeeper();
        }
        return journal.housekeepings();
    }

    @Test
    void shouldRecoverAndReplayAJournalWhoseNodeStartRetentionDeleted() throws Exception
    {
        final byte[] beforeTheCrash;
        try (Journal journal = CycleClockJournals.openForWriting(dir, config(1), cycleClock))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 33, 1_000_000_000L).outputsAsDigests();
            callsOfAMinute(calls, 0);
            callsOfAMinute(calls, 1);
            calls.snapshot();
            callsOfAMinute(calls, 2);
            calls.callerBye(up.remove(0)); // a call set up before the snapshot ends after it
            journal.housekeep();
            try (JournalReader reader = journal.newReader())
            {
                assertNotEquals(RecordType.NODE_START, reader.next().type, "node-start deleted");
            }
            beforeTheCrash = EngineSnapshot.take(calls.engine());
        }

        // The node comes back on the headless journal: built from the snapshot's configuration and key.
        try (Journal journal = CycleClockJournals.openForWriting(dir, config(1), cycleClock))
        {
            final JournalRecovery recovery = JournalRecovery.recover(journal, SyntheticCalls.config(99),
                new RecoveryGate((transport, to, connection, buffer, offset, length) -> true, EngineEvents.NONE),
                new EngineCounters(), () -> 9_000_000_000L, () -> SyntheticCalls.WALL_CLOCK_MS + 180_000);
            assertTrue(recovery.recovered());
            assertArrayEquals(beforeTheCrash, EngineSnapshot.take(recovery.engine()),
                "the same state as the node had, identifier key included");
            assertEquals(up.size(), recovery.engine().activeCalls());
        }

        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final List<JournalRecord> rebuilt = new ArrayList<>();
            final JournalVerifier.Result result = JournalVerifier.verify(reader, (record, matched) ->
            {
                if (record.type == RecordType.OUTPUT_DIGEST && matched)
                {
                    rebuilt.add(record);
                }
            });
            assertTrue(result.ok(), result.divergence());
            assertTrue(result.fromSnapshot(), "started at the snapshot");
            assertTrue(result.notChecked() > 2, "the records of minute 1 up to the snapshot: " + result.notChecked());
            assertTrue(result.outputs() > 10, "the messages sent after the snapshot checked: " + result.outputs());
            assertEquals(result.outputs(), rebuilt.size());
            assertTrue(rebuilt.stream().allMatch(record -> record.message != null && record.message.length ==
                record.messageLength), "each digest's message rebuilt");
        }
    }

    /** The cycle files left, by minute (Chronicle names minutely files yyyyMMdd-HHmm: day 20,000 is 2024-10-04). */
    private List<String> minutesOfTheFiles() throws Exception
    {
        return Journal.cycleFiles(dir).stream()
            .map(file -> file.getFileName().toString().replace("20241004-", "").replace(Journal.CYCLE_FILE_SUFFIX, ""))
            .toList();
    }

    private static JournalConfig config(final int retain)
    {
        return new JournalConfig(JournalRoll.MINUTELY, retain, MINUTE_MS);
    }

    /**
     * The clock moves to {@code minute} (the records go to its cycle file), then two calls are set up, the first of
     * them hung up.
     */
    private void callsOfAMinute(final SyntheticCalls calls, final int minute)
    {
        cycleClock.currentTimeMillis(START_MS + minute * MINUTE_MS);
        final String hungUp = calls.establish(10 * minute);
        up.add(calls.establish(10 * minute + 1));
        calls.callerBye(hungUp);
    }
}
