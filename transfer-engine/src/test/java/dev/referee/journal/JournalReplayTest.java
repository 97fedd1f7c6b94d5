package dev.referee.journal;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.id.IdKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A journal written by driving a real engine replays exactly; a changed or lost record is found and named. */
class JournalReplayTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
    private static final IdKey KEY = new IdKey(0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL);
    private static final Pattern OUR_CALL_ID = Pattern.compile("\r\nCall-ID: [0-9a-f]{32}@referee\r\n");

    @TempDir
    Path dir;

    /**
     * Calls of every kind: established then hung up by either side, blind transfers that complete or fail (target
     * busy), rejected calls, and some left up. Returns the callers' Call-IDs of the calls left up.
     */
    static List<String> mixedCalls(final SyntheticCalls calls, final int count)
    {
        final List<String> up = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final String callId = calls.establish(i);
            switch (i % 4)
            {
                case 0 -> calls.callerBye(callId);
                case 1 -> calls.calleeBye(callId);
                case 2 -> up.add(callId);
                default -> calls.blindTransfer(callId, i, i % 8 == 3 ? 200 : 486);
            }
            if (i % 5 == 0)
            {
                calls.rejected(i, 486);
            }
        }
        calls.advanceMs(40_000);
        return up;
    }

    @Test
    void shouldReplayAJournalProducedByTheEngineExactly() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), KEY, 1_000_000_000L);
            final List<String> up = mixedCalls(calls, 30);
            assertEquals(up.size(), calls.engine().activeCalls());
            assertTrue(calls.engine().activeCalls() > 0);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertTrue(result.events() > 60, result.toString());
            assertTrue(result.outputs() > 200, result.toString());
            assertEquals(0, result.unrecordedAtEnd());
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final java.util.Map<Integer, Integer> types = new java.util.HashMap<>();
            final JournalRecord nodeStart = reader.next();
            assertEquals(RecordType.FORMAT_VERSION, nodeStart.formatVersion);
            assertEquals(KEY, nodeStart.config.idKey(), "the key the identifiers came from, for replay");
            int referee = 0;
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                types.merge(record.type, 1, Integer::sum);
                if (record.type == RecordType.OUTPUT_SIP && record.firstLine().startsWith("INVITE sip:bob"))
                {
                    // Referee's own Call-ID toward the callee: 128 bits of key stream.
                    assertTrue(OUR_CALL_ID.matcher(record.messageText()).find(), record.messageText());
                    referee++;
                }
            }
            assertTrue(referee >= 30, "INVITEs to callees: " + referee);
            assertTrue(types.getOrDefault(RecordType.TRANSFER_COMPLETED, 0) >= 3, types.toString());
            assertTrue(types.getOrDefault(RecordType.TRANSFER_FAILED, 0) >= 3, types.toString());
        }
    }

    @Test
    void shouldDivergeWhenTheRecordedKeyIsNotTheOneTheIdentifiersCameFrom() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            // One bit of the key in node-start flipped: the replay's engine makes other tags and Call-IDs from the
            // first INVITE it relays.
            final SyntheticCalls calls = new SyntheticCalls(new FilterSink(journal.newSink(), record ->
            {
                if (record[0] == RecordType.NODE_START)
                {
                    record[JournalIdentifierKeyTest.offsetOf(record, KEY.k1())] ^= 1;
                }
                return record;
            }), KEY, 1_000_000_000L);
            mixedCalls(calls, 2);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertFalse(result.ok());
            assertTrue(result.divergence().contains("INVITE sip:bob"), result.divergence());
        }
    }

    @Test
    void shouldRebuildTheSameCallsFromTheJournal() throws Exception
    {
        final int active;
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 5, 1_000_000_000L);
            mixedCalls(calls, 12);
            active = calls.engine().activeCalls();
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalRecord first = reader.next();
            final RecoveryGate gate = new RecoveryGate((t, d, c, b, o, l) -> true, EngineEvents.NONE);
            final JournalRecovery.Rebuilt rebuilt = JournalRecovery.rebuild(first, reader, gate, new EngineCounters());
            assertEquals(active, rebuilt.engine().activeCalls());
            assertTrue(gate.suppressedOutputs() > 0);
        }
    }

    @Test
    void shouldNameTheFirstDifferingRecord() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            // Flips one byte of the tenth output the engine sends, as a bug that made replay differ would.
            final int[] outputs = new int[1];
            final SyntheticCalls calls = new SyntheticCalls(new FilterSink(journal.newSink(), record ->
            {
                if (record[0] == RecordType.OUTPUT_SIP && ++outputs[0] == 10)
                {
                    record[record.length - 5] ^= 1;
                }
                return record;
            }), 3, 1_000_000_000L);
            mixedCalls(calls, 6);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertFalse(result.ok());
            assertTrue(result.divergence().startsWith("first divergence at record "), result.divergence());
            assertTrue(result.divergence().contains("(output-sip)"), result.divergence());
            assertEquals(9, result.outputs());
        }
    }

    @Test
    void shouldAcceptOutputsLostInACrashBeforeARecoveredRecord() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            // The crashed node journaled its last input but recorded none of the outputs and events that followed.
            final RecordSink real = journal.newSink();
            final boolean[] crashed = new boolean[1];
            final SyntheticCalls calls = new SyntheticCalls(new FilterSink(real,
                record -> crashed[0] && !RecordType.isInput(record[0]) ? null : record), 8, 1_000_000_000L);
            final String callId = calls.establish(1);
            crashed[0] = true;
            calls.callerBye(callId);
            JournalEncoder.recovered(real.begin(), 2_000_000_000L, 0, 0, 0);
            real.commit();
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertTrue(result.droppedAtRecovery() > 0, result.toString());
        }
    }
}
