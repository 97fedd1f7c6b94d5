package dev.referee.journal;

import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.SipConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.id.IdKey;
import dev.referee.transport.Transport;

import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identifier key in the journal: recorded in node-start when a journal is made, the recorded one used when a node
 * restarts on it (not the fresh one it drew), never printed, and never guessed when it is missing.
 */
class JournalIdentifierKeyTest
{
    private static final IdKey KEY = new IdKey(0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L);

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheRecordedKeyWhenANodeRestartsOnItsJournal() throws Exception
    {
        final String first = nextCallIdAfterStart(KEY);
        assertEquals(IdGenerator.keyed(KEY).callId(), first, "a new journal: the fresh key");

        final String afterRestart = nextCallIdAfterStart(new IdKey(1, 2));
        assertEquals(first, afterRestart, "a restart: the key recorded in node-start, not the fresh one");
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalRecord nodeStart = reader.next();
            assertEquals(RecordType.NODE_START, nodeStart.type);
            assertEquals(KEY, nodeStart.config.idKey());
            assertEquals(RecordType.RECOVERED, reader.next().type, "one node-start only");
        }
    }

    @Test
    void shouldRecordTheKeyAsTheLastFieldOfANodeStartOfRecordVersion2()
    {
        final JournalRecord record = JournalDecoder.decode(nodeStart(SyntheticCalls.config(KEY)));
        assertEquals(RecordType.NODE_START_RECORD_VERSION, record.recordVersion);
        assertEquals(2, record.formatVersion);
        assertEquals(KEY, record.config.idKey());
        assertEquals(0, record.config.seed(), "the version 1 seed is not used any more");
    }

    @Test
    void shouldRefuseANodeStartCutShortBeforeItsKey()
    {
        final byte[] whole = nodeStart(SyntheticCalls.config(KEY));
        final byte[] cut = Arrays.copyOf(whole, offsetOf(whole, KEY.k1()) + 4); // ends inside the key
        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> JournalDecoder.decode(cut));
        assertTrue(refused.getMessage().contains("identifier key"), refused.getMessage());
    }

    @Test
    void shouldRefuseToStartAJournalWithoutKey()
    {
        final EngineConfig keyed = SyntheticCalls.config(KEY);
        final EngineConfig keyless = new EngineConfig(keyed.listen(), keyed.routes(), keyed.t1Ns(), keyed.t2Ns(),
            keyed.t4Ns(), keyed.maxCalls(), keyed.userAgent(), 2026, null, keyed.transfer(), keyed.redirect(),
            keyed.trunks(), keyed.webhook());
        assertThrows(IllegalArgumentException.class, () -> nodeStart(keyless));
    }

    @Test
    void shouldNeverPrintTheKey()
    {
        final JournalRecord record = JournalDecoder.decode(nodeStart(SyntheticCalls.config(KEY)));
        final String line = JournalFormatter.describe(record);
        assertTrue(line.contains("version=2 ids=keyed"), line);
        for (final long half : new long[]{KEY.k0(), KEY.k1()})
        {
            assertFalse(line.contains(Long.toString(half)) || line.contains(Long.toHexString(half)), line);
        }
        assertFalse(record.config.toString().contains(Long.toHexString(KEY.k0())), record.config.toString());
    }

    @Test
    void shouldMakeNoKeyForAVersion1NodeStart() throws Exception
    {
        JournalFixtureTest.copyTree(JournalFixtureTest.VERSION_1, dir);
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalRecord nodeStart = reader.next();
            assertEquals(1, nodeStart.recordVersion);
            assertNull(nodeStart.config.idKey(), "a version 1 journal replays with its seed");
            assertTrue(JournalFormatter.describe(nodeStart).contains("version=1 seed=2026"));
        }
    }

    /** Starts a node's engine on the journal in {@code dir} as the node's assembly does; its next Call-ID. */
    private String nextCallIdAfterStart(final IdKey freshKey) throws Exception
    {
        final SipConfig sip = SipConfig.defaults();
        final EngineConfig config = new EngineConfig(
            List.of(new ListenAddress(Transport.UDP, new InetSocketAddress("127.0.0.1", 0))), List.of(),
            TimeUnit.MILLISECONDS.toNanos(sip.t1Ms()), TimeUnit.MILLISECONDS.toNanos(sip.t2Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t4Ms()), sip.maxCalls(), sip.userAgent(), freshKey);
        try (Journal journal = Journal.openForWriting(dir, JournalConfig.defaults()))
        {
            final RecoveryGate gate = new RecoveryGate(
                (transport, destination, connectionId, buffer, offset, length) -> true, EngineEvents.NONE);
            final JournalRecovery started = JournalRecovery.recover(journal, config, gate,
                new EngineCounters(), SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
            return started.engine().snapshotParts().ids().callId();
        }
    }

    /** Where the 8 bytes of {@code half} (little-endian, as Chronicle writes a long) start in {@code record}. */
    static int offsetOf(final byte[] record, final long half)
    {
        for (int i = 0; i + Long.BYTES <= record.length; i++)
        {
            boolean match = true;
            for (int b = 0; b < Long.BYTES && match; b++)
            {
                match = record[i + b] == (byte)(half >>> (8 * b));
            }
            if (match)
            {
                return i;
            }
        }
        throw new AssertionError("key not found in node-start");
    }

    private static byte[] nodeStart(final EngineConfig config)
    {
        final MemorySink sink = new MemorySink();
        JournalEncoder.nodeStart(sink.begin(), 1, 2, config);
        sink.commit();
        return sink.records().poll();
    }
}
