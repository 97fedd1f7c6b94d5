package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.PlannedPause;
import net.openhft.chronicle.bytes.Bytes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshot records in the journal: written on time, found, restored, replayed after, verified by replay. */
class JournalSnapshotTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);

    @TempDir
    Path dir;

    @Test
    void shouldRecoverFromTheLatestSnapshotAndReplayOnlyTheInputsAfterIt() throws Exception
    {
        final long inputsAfterSnapshot;
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final ChronicleSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 78, 1_000_000_000L);
            final List<String> up = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                up.add(calls.establish(i));
            }
            calls.startBlindTransfer(up.get(4), 4);
            calls.snapshot();
            final long inputsAtSnapshot = countInputs(journal);
            calls.startBlindTransfer(up.get(5), 5);
            up.add(calls.establish(6));
            inputsAfterSnapshot = countInputs(journal) - inputsAtSnapshot;

            calls.crashAndRecover(journal);
            assertEquals(7, calls.engine().activeCalls(), "calls rebuilt from the snapshot and the inputs after it");
            final JournalRecord recovered = last(journal, RecordType.RECOVERED);
            assertEquals(inputsAfterSnapshot, recovered.inputsReplayed, "only the inputs after the snapshot");

            calls.callerBye(up.get(0));
            calls.calleeBye(up.get(1));
            calls.callerBye(up.get(6));
            calls.finishBlindTransfer(up.get(4), 4, 200);
            calls.finishBlindTransfer(up.get(5), 5, 486);
            calls.callerBye(up.get(2));
            calls.calleeBye(up.get(3));
            calls.advanceMs(40_000);
            assertEquals(0, calls.engine().activeCalls());
            assertEquals(0, calls.engine().transactions());
            assertEquals(0, calls.engine().timers());
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }

    @Test
    void shouldRebuildTheSameEngineFromASnapshotAsFromEveryInput() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 79, 1_000_000_000L);
            for (int i = 0; i < 20; i++)
            {
                calls.callerBye(calls.establish(i));
                calls.establish(100 + i);
            }
            calls.snapshot();
            calls.startBlindTransfer(calls.establish(500), 500);
            calls.advanceMs(200);

            final byte[] fromSnapshot = EngineSnapshot.take(rebuild(journal, true).engine());
            final byte[] fromStart = EngineSnapshot.take(rebuild(journal, false).engine());
            assertArrayEquals(EngineSnapshot.take(calls.engine()), fromStart);
            assertArrayEquals(fromStart, fromSnapshot);
        }
    }

    @Test
    void shouldContinueTheIdentifierSequenceAfterRecoveringFromASnapshot() throws Exception
    {
        final Outcome steady = callsAroundASnapshot(dir.resolve("steady"), false);
        final Outcome crashed = callsAroundASnapshot(dir.resolve("crashed"), true);
        assertEquals(8, crashed.invites().size());
        // Calls 6 and 7 were set up by the engine restored from the snapshot: their branches, tags and Call-IDs are
        // the ones the node that never crashed made, so the key stream went on from the snapshot's counter.
        assertEquals(steady.invites(), crashed.invites());
        assertEquals(steady.idState(), crashed.idState());
    }

    /** What Referee sent to the callees, and where its identifier generator stands at the end. */
    private record Outcome(List<String> invites, long idState)
    {
    }

    /**
     * Calls 0 to 4, a snapshot, call 5, then (when {@code crash}) a crash and a recovery from that snapshot, then calls
     * 6 and 7.
     */
    private static Outcome callsAroundASnapshot(final Path dir, final boolean crash) throws IOException
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 83, 1_000_000_000L);
            for (int i = 0; i < 5; i++)
            {
                calls.establish(i);
            }
            calls.snapshot();
            final long inputsAtSnapshot = countInputs(journal);
            calls.establish(5);
            if (crash)
            {
                final long inputsAfterSnapshot = countInputs(journal) - inputsAtSnapshot;
                calls.crashAndRecover(journal);
                assertEquals(inputsAfterSnapshot, last(journal, RecordType.RECOVERED).inputsReplayed,
                    "recovered from the snapshot, not from the start");
            }
            calls.establish(6);
            calls.establish(7);
            final List<String> invites = new ArrayList<>();
            try (JournalReader reader = journal.newReader())
            {
                JournalRecord record;
                while ((record = reader.next()) != null)
                {
                    if (record.type == RecordType.OUTPUT_SIP && record.firstLine().startsWith("INVITE sip:bob"))
                    {
                        invites.add(record.messageText());
                    }
                }
            }
            return new Outcome(invites, calls.engine().snapshotParts().ids().state());
        }
    }

    @Test
    void shouldPassOverASnapshotCutShortByACrash() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final ChronicleSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 80, 1_000_000_000L);
            calls.establish(1);
            calls.snapshot();
            final long completeNs = calls.engine().nowNs();
            calls.establish(2);
            // A crash after the first of two parts: the second never made it.
            firstPartOnly(sink, calls, 2);

            final SnapshotFinder.Found found = SnapshotFinder.latest(journal);
            assertNotNull(found);
            assertEquals(completeNs, found.timeNs());
            assertEquals(2, rebuild(journal, true).engine().activeCalls());
        }
    }

    /**
     * The latest snapshot's last part is looked for forwards, a window of records at a time from the end: found across
     * many windows, past a snapshot cut short after it, with the parts gathered as the backward search gathers them
     * and the same index for its last part.
     */
    @Test
    void shouldFindTheLatestSnapshotManyWindowsBeforeTheEnd() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final ChronicleSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 83, 1_000_000_000L);
            for (int i = 0; i < 700; i++)
            {
                calls.establish(i); // two parts
            }
            calls.snapshot();
            final long lastPart = sink.lastIndex();
            final long completeNs = calls.engine().nowNs();
            final byte[] state = EngineSnapshot.take(calls.engine());
            for (int i = 0; i < 100; i++)
            {
                calls.establish(700 + i);
            }
            firstPartOnly(sink, calls, 2); // cut short: no last part
            for (int i = 0; i < 100; i++)
            {
                calls.establish(800 + i);
            }

            final int window = 64;
            assertEquals(lastPart, journal.latestSnapshotMark(), "noted by the snapshotter");
            journal.forgetLatestSnapshot(); // a journal of the version before the note: looked for
            assertEquals(-1, journal.latestSnapshotMark());
            assertTrue(journal.lastIndex() - lastPart > 10 * window, "many windows after the snapshot");
            assertEquals(lastPart, SnapshotFinder.lastPartIndex(journal, window));
            final SnapshotFinder.Found found = SnapshotFinder.latest(journal, window);
            assertNotNull(found);
            assertEquals(completeNs, found.timeNs());
            assertEquals(lastPart, found.lastIndex());
            assertArrayEquals(state, found.snapshot());
            assertEquals(900, rebuild(journal, true).engine().activeCalls());
        }
    }

    /**
     * The note of the latest snapshot is read first: a snapshot completed but not noted (a crash between its last part
     * and the note) is passed over for the noted one, which restores the same state with more inputs to replay; a
     * note that points at a record other than a last part is not believed, and the snapshot is looked for.
     */
    @Test
    void shouldFindTheNotedSnapshotAndLookForOneWhenTheNoteIsWrong() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final ChronicleSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 84, 1_000_000_000L);
            calls.establish(1);
            calls.snapshot();
            final long noted = sink.lastIndex();
            calls.establish(2);
            firstPartOnly(sink, calls, 1); // the whole snapshot, never noted
            final long unnoted = sink.lastIndex();
            calls.establish(3);

            assertEquals(noted, SnapshotFinder.latest(journal).lastIndex());
            assertEquals(3, rebuild(journal, true).engine().activeCalls());
            journal.markLatestSnapshot(noted + 1); // an input record, not a last part
            assertEquals(unnoted, SnapshotFinder.latest(journal).lastIndex());
            assertEquals(3, rebuild(journal, true).engine().activeCalls());
        }
    }

    @Test
    void shouldFindNoSnapshotInAJournalWithout() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 81, 1_000_000_000L);
            calls.establish(1);
            assertNull(SnapshotFinder.latest(journal));
            final JournalRecovery.Rebuilt rebuilt = rebuild(journal, true);
            assertEquals(Long.MIN_VALUE, rebuilt.snapshotTimeNs());
            assertEquals(1, rebuilt.engine().activeCalls());
        }
    }

    /**
     * Version 4 writes the server transactions in the object table's order where version 3 sorted them by key: a
     * journal written before still verifies (its snapshots are compared in their own layout), and either layout
     * restores the same engine, whose version 4 snapshot is then the original's, byte for byte: the order depends
     * on the state alone.
     */
    @Test
    void shouldVerifyAndRestoreASnapshotOfTheEarlierLayout() throws Exception
    {
        final byte[] original;
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final ChronicleSink sink = journal.newSink();
            // A journal of the earlier layouts was made before node-start version 11: no waiting rows.
            final SyntheticCalls calls = new SyntheticCalls(sink,
                SyntheticCalls.withBehaviour(SyntheticCalls.config(SyntheticCalls.key(83)), 10), 1_000_000_000L,
                SyntheticCalls.DEFAULT_STEP_NS);
            for (int i = 0; i < 40; i++)
            {
                final String callId = calls.establish(i);
                if (i % 2 == 0)
                {
                    calls.callerBye(callId); // its transactions wait out 64*T1
                }
            }
            final byte[] version3 = EngineSnapshot.take(calls.engine(), 3);
            original = EngineSnapshot.take(calls.engine());
            assertEquals(3, EngineSnapshot.versionOf(version3));
            assertEquals(EngineSnapshot.VERSION, EngineSnapshot.versionOf(original));
            assertFalse(Arrays.equals(Arrays.copyOfRange(version3, 8, version3.length),
                Arrays.copyOfRange(original, 8, original.length)), "the layouts differ in more than their version");
            // As the previous release wrote it, between two inputs.
            JournalEncoder.snapshot(sink.begin(), calls.engine().nowNs(), 0, 1, version3.length,
                new org.agrona.concurrent.UnsafeBuffer(version3), 0, version3.length);
            sink.commit();
            calls.establish(40);

            for (final byte[] layout : List.of(version3, original))
            {
                final Engine restored = new Engine(calls.engine().config(), (t, d, c, b, o, l) -> true,
                    new EngineCounters());
                EngineSnapshot.restore(restored, layout);
                assertArrayEquals(original, EngineSnapshot.take(restored), "restored from version " +
                    EngineSnapshot.versionOf(layout));
            }
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }

    @Test
    void shouldCutALargeSnapshotIntoPartsAndPutItBackTogether() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 82, 1_000_000_000L);
            for (int i = 0; i < 700; i++)
            {
                calls.establish(i);
            }
            calls.snapshot();
            final byte[] state = EngineSnapshot.take(calls.engine());
            assertTrue(state.length > JournalSnapshotter.PART_BYTES, "big enough for two parts: " + state.length);
            final SnapshotFinder.Found found = SnapshotFinder.latest(journal);
            assertNotNull(found);
            assertArrayEquals(state, found.snapshot());
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }

    @Test
    void shouldSnapshotBeforeTheFirstInputPastEachInterval()
    {
        final MemorySink sink = new MemorySink();
        final Engine engine = new Engine(SyntheticCalls.config(1), (t, d, c, b, o, l) -> true, new EngineCounters());
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, sink, TimeUnit.SECONDS.toNanos(1));
        final List<String> kinds =
            ticksThrough(snapshotter, sink, engine, 0, 500, 1_000, 1_500, 2_100, 2_200, 3_099, 3_100);
        // Each snapshot holds the state up to the input before the one that passed the deadline (1 s, 2 s, 3.1 s),
        // after the configuration in force at it.
        assertEquals(List.of("t", "t", "C@500", "S@500", "t", "t", "C@1500", "S@1500", "t", "t", "t", "C@3099",
            "S@3099", "t"), kinds);
        assertEquals(3, snapshotter.snapshots());
    }

    /**
     * {@code journal.snapshot-inputs}: at a rate that journals more inputs than that within one interval, a snapshot
     * comes before the input past the bound, so a restart never replays more than that many; the interval still
     * applies when the inputs are few, and counts from the latest snapshot, whichever bound took it.
     */
    @Test
    void shouldSnapshotBeforeTheInputPastTheInputBound()
    {
        final MemorySink sink = new MemorySink();
        final Engine engine = new Engine(SyntheticCalls.config(1), (t, d, c, b, o, l) -> true, new EngineCounters());
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, sink, TimeUnit.SECONDS.toNanos(1), 3,
            null, PlannedPause.NONE);
        final List<String> kinds =
            ticksThrough(snapshotter, sink, engine, 0, 10, 20, 30, 40, 50, 60, 70, 1_065, 1_100);
        // By count before the 4th and the 7th input (3 inputs each); then by time, before the first input 1 s after
        // the second snapshot (taken at the input of 60 ms), with only 2 inputs since.
        assertEquals(List.of("t", "t", "t", "C@20", "S@20", "t", "t", "t", "C@50", "S@50", "t", "t", "C@70", "S@70",
            "t", "t"), kinds);
        assertEquals(3, snapshotter.snapshots());
    }

    /**
     * Between snapshots the writer takes one more chunk per period of input time until it holds what the next snapshot
     * is expected to take: the snapshot then writes into memory already faulted in, on the engine thread no fresh chunk.
     */
    @Test
    void shouldGrowTheWriterAChunkPerInputAheadOfTheNextSnapshot()
    {
        final MemorySink calls = new MemorySink();
        final SyntheticCalls phones = new SyntheticCalls(calls, SyntheticCalls.config(SyntheticCalls.key(3)),
            1_000_000_000L, 50_000);
        for (int i = 0; i < 2_000; i++)
        {
            phones.callerBye(phones.establish(i)); // their transactions wait out 64*T1
        }
        final MemorySink sink = new MemorySink();
        final JournalSnapshotter snapshotter =
            new JournalSnapshotter(phones.engine(), sink, TimeUnit.SECONDS.toNanos(60));
        final long oneChunk = snapshotter.reservedBytes();
        final long period = JournalSnapshotter.GROWTH_PERIOD_NS;
        snapshotter.beforeInput(0); // sets the first deadline
        snapshotter.beforeInput(period);
        assertEquals(2 * oneChunk, snapshotter.reservedBytes(), "one chunk more");
        snapshotter.beforeInput(period + 1);
        snapshotter.beforeInput(2 * period - 1);
        assertEquals(2 * oneChunk, snapshotter.reservedBytes(), "at most one per period of input time");
        // 450 bytes per transaction waiting, and a quarter more (no call is left).
        final long expected = 450L * phones.engine().transactions() * 5 / 4;
        for (long input = 2; input < 2 + expected / oneChunk + 50; input++)
        {
            snapshotter.beforeInput(input * period);
        }
        assertTrue(snapshotter.reservedBytes() >= expected && snapshotter.reservedBytes() < expected + oneChunk,
            snapshotter.reservedBytes() + " reserved for " + expected + " expected: grown to it, then no more");
        snapshotter.write();
        assertEquals(1, snapshotter.snapshots());
        long written = 0;
        for (final byte[] record : sink.records())
        {
            written += record.length;
        }
        assertTrue(written < snapshotter.reservedBytes(), written + " bytes written, " + snapshotter.reservedBytes() +
            " reserved: the snapshot took no chunk of its own");
    }

    /**
     * The receive threads' admission control is told of each snapshot before it begins and after it ends, also of
     * one that fails (a full disk): the lag it makes is no overload (docs/overload.md), and a pause never told to end
     * would keep the lag from ever shedding again.
     */
    @Test
    void shouldTellThePlannedPauseOfEachSnapshotAlsoOfOneThatFails()
    {
        final List<String> told = new ArrayList<>();
        final MemorySink sink = new MemorySink();
        final boolean[] diskFull = {true};
        final RecordSink fullOnce = new RecordSink()
        {
            @Override
            public Bytes<?> begin()
            {
                if (diskFull[0])
                {
                    diskFull[0] = false;
                    told.add("write failed");
                    throw new IllegalStateException("disk full");
                }
                told.add("write");
                return sink.begin();
            }

            @Override
            public void commit()
            {
                sink.commit();
            }

            @Override
            public void abort()
            {
                sink.abort();
            }
        };
        final Engine engine = new Engine(SyntheticCalls.config(1), (t, d, c, b, o, l) -> true, new EngineCounters());
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, fullOnce, TimeUnit.SECONDS.toNanos(1),
            0, null, new PlannedPause()
            {
                @Override
                public void pauseBegins()
                {
                    told.add("begins");
                }

                @Override
                public void pauseEnds()
                {
                    told.add("ends");
                }
            });
        for (final long ms : new long[]{0, 1_000, 1_500, 2_000})
        {
            snapshotter.beforeInput(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        // Each write: the configuration in force, then the one part.
        assertEquals(List.of("begins", "write failed", "ends", "begins", "write", "write", "ends"), told);
        assertEquals(1, snapshotter.failures());
        assertEquals(1, snapshotter.snapshots());
    }

    /**
     * Every snapshot comes after the configuration in force, identifier key included, so that a journal whose
     * node-start retention deleted recovers from it; that record carries the wall clock on from node-start's.
     */
    @Test
    void shouldWriteTheConfigurationInForceAndTheWallClockBeforeEverySnapshot()
    {
        final MemorySink sink = new MemorySink();
        final Engine engine = new Engine(SyntheticCalls.config(5), (t, d, c, b, o, l) -> true, new EngineCounters());
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, sink, 0);
        snapshotter.wallClockAnchor(1_000_000_000L, SyntheticCalls.WALL_CLOCK_MS);
        engine.onTick(3_500_000_000L);
        snapshotter.write();

        final JournalRecord config = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.CONFIG, config.type);
        assertEquals(RecordType.CONFIG_IN_FORCE, config.configPurpose);
        assertEquals(3_500_000_000L, config.timeNs);
        assertEquals(SyntheticCalls.WALL_CLOCK_MS + 2_500, config.wallClockMs, "node-start's wall clock, 2.5 s on");
        assertEquals(SyntheticCalls.key(5), config.config.idKey());
        assertEquals(RecordType.SNAPSHOT, JournalDecoder.decode(sink.records().poll()).type);
    }

    @Test
    void shouldNeverSnapshotWithIntervalZero()
    {
        final MemorySink sink = new MemorySink();
        final Engine engine = new Engine(SyntheticCalls.config(1), (t, d, c, b, o, l) -> true, new EngineCounters());
        final JournalSnapshotter snapshotter = new JournalSnapshotter(engine, sink, 0);
        for (long s = 0; s < 10; s++)
        {
            snapshotter.beforeInput(TimeUnit.SECONDS.toNanos(s));
        }
        assertTrue(sink.records().isEmpty());
    }

    private static JournalRecovery.Rebuilt rebuild(final Journal journal, final boolean useSnapshot)
    {
        try (JournalReader reader = journal.newReader())
        {
            final RecoveryGate gate = new RecoveryGate((t, d, c, b, o, l) -> true, EngineEvents.NONE);
            final JournalRecord first = reader.next();
            return useSnapshot ? JournalRecovery.rebuild(first, journal, gate, new EngineCounters()) :
                JournalRecovery.rebuild(first, reader, gate, new EngineCounters());
        }
    }

    private static long countInputs(final Journal journal)
    {
        long inputs = 0;
        try (JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                inputs += record.isInput() ? 1 : 0;
            }
        }
        return inputs;
    }

    private static JournalRecord last(final Journal journal, final int type)
    {
        JournalRecord found = null;
        try (JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                found = record.type == type ? record : found;
            }
        }
        return found;
    }

    /**
     * A journal whose newest cycle files hold no snapshot (a restart just after the files rolled): the latest one is
     * found in an older file, read forwards a window at a time from that file's end, and a journal of several files
     * with none has none.
     */
    @Test
    void shouldFindTheLatestSnapshotInAnOlderCycleFile() throws Exception
    {
        final byte[] state = "the engine's state".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        final long[] snapshotIndex = new long[2];
        final net.openhft.chronicle.core.time.SetTimeProvider time =
            new net.openhft.chronicle.core.time.SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue =
            net.openhft.chronicle.queue.ChronicleQueue.singleBuilder(dir)
                .rollCycle(Journal.rollCycle(JournalRoll.MINUTELY)).timeProvider(time).build();
            net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender())
        {
            long timeNs = 0;
            for (int i = 0; i < 2; i++)
            {
                tick(appender, ++timeNs);
                try (net.openhft.chronicle.wire.DocumentContext document = appender.writingDocument())
                {
                    JournalEncoder.snapshot(document.wire().bytes(), ++timeNs, 0, 1, state.length,
                        new org.agrona.concurrent.UnsafeBuffer(state), 0, state.length);
                }
                snapshotIndex[i] = appender.lastIndexAppended();
                for (int j = 0; j < 150; j++)
                {
                    tick(appender, ++timeNs);
                }
            }
            for (int cycle = 0; cycle < 2; cycle++)
            {
                time.advanceMillis(60_000);
                for (int j = 0; j < 200 + cycle * 100; j++)
                {
                    tick(appender, ++timeNs);
                }
            }
        }

        try (Journal journal = Journal.openReadOnly(dir))
        {
            assertEquals(3, journal.cyclesNewestFirst().length);
            final net.openhft.chronicle.queue.RollCycle roll = journal.rollCycle();
            try (net.openhft.chronicle.queue.ExcerptTailer tailer = journal.newTailer())
            {
                assertEquals(2 * 152, SnapshotFinder.endSequence(tailer, roll, roll.toCycle(snapshotIndex[1])));
                assertEquals(200, SnapshotFinder.endSequence(tailer, roll, journal.cyclesNewestFirst()[1]));
            }
            assertEquals(snapshotIndex[1], SnapshotFinder.lastPartIndex(journal, 16));
            final SnapshotFinder.Found found = SnapshotFinder.latest(journal, 16);
            assertNotNull(found);
            assertEquals(snapshotIndex[1], found.lastIndex());
            assertArrayEquals(state, found.snapshot());
        }
    }

    @Test
    void shouldFindNoSnapshotInAJournalOfSeveralCycleFilesWithout() throws Exception
    {
        final net.openhft.chronicle.core.time.SetTimeProvider time =
            new net.openhft.chronicle.core.time.SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue queue =
            net.openhft.chronicle.queue.ChronicleQueue.singleBuilder(dir)
                .rollCycle(Journal.rollCycle(JournalRoll.MINUTELY)).timeProvider(time).build();
            net.openhft.chronicle.queue.ExcerptAppender appender = queue.createAppender())
        {
            for (int cycle = 0; cycle < 3; cycle++)
            {
                for (int j = 0; j < 100; j++)
                {
                    tick(appender, cycle * 100L + j);
                }
                time.advanceMillis(60_000);
            }
        }
        try (Journal journal = Journal.openReadOnly(dir))
        {
            assertEquals(3, journal.cyclesNewestFirst().length);
            assertEquals(-1, SnapshotFinder.lastPartIndex(journal, 16));
            assertNull(SnapshotFinder.latest(journal, 16));
        }
    }

    /**
     * Appends the engine's state now as the first part of a snapshot of {@code parts} parts, as the snapshotter's
     * first record would be, without the note it leaves once complete: with 2 parts a snapshot cut short by a crash,
     * with 1 a whole one never noted.
     */
    private static void firstPartOnly(final ChronicleSink sink, final SyntheticCalls calls, final int parts)
    {
        final byte[] state = EngineSnapshot.take(calls.engine());
        JournalEncoder.snapshot(sink.begin(), calls.engine().nowNs(), 0, parts, state.length * parts,
            new org.agrona.concurrent.UnsafeBuffer(state), 0, state.length);
        sink.commit();
    }

    /**
     * Ticks at {@code ms} through an input stage with {@code snapshotter}, each then handed to {@code engine}: the
     * records journaled, "t" for a tick and "S@ms" for a snapshot taken at that engine time.
     */
    private static List<String> ticksThrough(final JournalSnapshotter snapshotter, final MemorySink sink,
        final Engine engine, final long... ms)
    {
        final JournalInputStage stage = new JournalInputStage(sink, 0, snapshotter, null);
        for (final long at : ms)
        {
            final InboundEvent tick = new InboundEvent();
            tick.type = InboundEvent.TICK;
            tick.timeNs = TimeUnit.MILLISECONDS.toNanos(at);
            stage.onEvent(tick, 0, true);
            engine.onTick(tick.timeNs);
        }
        final List<String> kinds = new ArrayList<>();
        while (!sink.records().isEmpty())
        {
            final JournalRecord record = JournalDecoder.decode(sink.records().poll());
            kinds.add(record.type == RecordType.SNAPSHOT ? "S@" + record.timeNs / 1_000_000 :
                record.type == RecordType.CONFIG ? "C@" + record.timeNs / 1_000_000 : "t");
        }
        return kinds;
    }

    private static void tick(final net.openhft.chronicle.queue.ExcerptAppender appender, final long timeNs)
    {
        try (net.openhft.chronicle.wire.DocumentContext document = appender.writingDocument())
        {
            JournalEncoder.inputTick(document.wire().bytes(), timeNs);
        }
    }
}
