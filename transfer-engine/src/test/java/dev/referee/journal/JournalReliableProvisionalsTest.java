package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.id.IdKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliable provisional responses (RFC 3262) came with node-start version 6: a new journal says 6 and replays with
 * them; a version 5 node-start (same layout) replays without them, as it was made.
 */
class JournalReliableProvisionalsTest
{
    private static final IdKey KEY = new IdKey(7, 11);

    /** Today's node-start of {@code config}, its record version byte (after the type) set to {@code version}. */
    private static JournalRecord decodedNodeStart(final EngineConfig config, final int version)
    {
        final MemorySink sink = new MemorySink();
        JournalEncoder.nodeStart(sink.begin(), 1, 2, config);
        sink.commit();
        final byte[] record = sink.records().poll();
        assertEquals(RecordType.NODE_START_RECORD_VERSION, record[1], "a new journal says today's version");
        record[1] = (byte)version;
        return JournalDecoder.decode(record);
    }

    @Test
    void shouldStartANewJournalWithReliableProvisionals()
    {
        final JournalRecord record = decodedNodeStart(SyntheticCalls.config(KEY), RecordType.NODE_START_RECORD_VERSION);
        assertEquals(EngineConfig.BEHAVIOUR, record.config.behaviour());
        assertTrue(record.config.reliableProvisionals());
    }

    @Test
    void shouldReplayAVersion5JournalWithoutThem()
    {
        final JournalRecord record = decodedNodeStart(SyntheticCalls.config(KEY), 5);
        assertEquals(5, record.config.behaviour());
        assertFalse(record.config.reliableProvisionals());
        assertTrue(record.config.sessionTimers(), "what version 5 had stays");
    }
}
