package dev.referee.journal;

import dev.referee.engine.id.IdKey;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal.outputs: digest}: a journal that keeps each sent message as a digest replays, the replay rebuilds
 * every message byte for byte as a journal of whole outputs holds it, and a replay that differs is named.
 */
class JournalOutputDigestTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
    private static final IdKey KEY = new IdKey(0x510e527fade682d1L, 0x9b05688c2b3e6c1fL);

    @TempDir
    Path dir;

    @Test
    void shouldRebuildEveryMessageAsAJournalOfWholeOutputsHoldsIt() throws Exception
    {
        final List<JournalRecord> whole = outputs(write(dir.resolve("full"), false));
        final Path digests = write(dir.resolve("digest"), true);

        final List<JournalRecord> rebuilt = new ArrayList<>();
        final JournalVerifier.Result result;
        try (Journal journal = Journal.openReadOnly(digests); JournalReader reader = journal.newReader())
        {
            result = JournalVerifier.verify(reader, (record, matched) ->
            {
                if (record.isOutput())
                {
                    assertEquals(RecordType.OUTPUT_DIGEST, record.type, record::toString);
                    assertTrue(matched, record::toString);
                    rebuilt.add(record);
                }
            });
        }
        assertTrue(result.ok(), result.divergence());
        assertTrue(whole.size() > 200, "outputs: " + whole.size());
        assertEquals(whole.size(), result.outputs());
        assertEquals(whole.size(), rebuilt.size());
        long wholeBytes = 0;
        long digestBytes = 0;
        for (int i = 0; i < whole.size(); i++)
        {
            final JournalRecord full = whole.get(i);
            final JournalRecord digest = rebuilt.get(i);
            assertArrayEquals(full.message, digest.message, full::toString);
            assertEquals(full.firstLine(), digest.digestFirstLine);
            assertEquals(full.message.length, digest.messageLength);
            assertEquals(full.peer, digest.peer);
            assertEquals(full.timeNs, digest.timeNs);
            assertTrue(full.messageText().contains("\r\nCall-ID: " + digest.sipCallId + "\r\n"), full::toString);
            wholeBytes += full.raw.length;
            digestBytes += digest.raw.length;
        }
        assertTrue(digestBytes * 3 < wholeBytes, "outputs as digests: " + digestBytes + " bytes, whole: " +
            wholeBytes);
    }

    @Test
    void shouldNameTheFirstMessageThatDiffersFromItsDigest() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            // Flips one bit of the hash of the tenth digest, as a replay that sends another message would show.
            final int[] outputs = new int[1];
            final SyntheticCalls calls = new SyntheticCalls(new FilterSink(journal.newSink(), record ->
            {
                if (record[0] == RecordType.OUTPUT_DIGEST && ++outputs[0] == 10)
                {
                    record[hashAt(record)] ^= 1;
                }
                return record;
            }), KEY, 1_000_000_000L).outputsAsDigests();
            JournalReplayTest.mixedCalls(calls, 6);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertFalse(result.ok());
            assertTrue(result.divergence().contains("(output-digest)"), result.divergence());
            assertTrue(result.divergence().contains("replayed: output-sip"), result.divergence());
            assertEquals(9, result.outputs());
        }
    }

    /** Offset of the first byte of a digest record's hash: after its length, just before the first line. */
    private static int hashAt(final byte[] record)
    {
        final JournalRecord decoded = JournalDecoder.decode(record);
        final int textBytes = 2 + decoded.digestFirstLine.length() + 2 + decoded.sipCallId.length();
        return record.length - textBytes - Long.BYTES;
    }

    private static Path write(final Path journalDir, final boolean digests) throws Exception
    {
        try (Journal journal = Journal.openForWriting(journalDir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), KEY, 1_000_000_000L);
            if (digests)
            {
                calls.outputsAsDigests();
            }
            JournalReplayTest.mixedCalls(calls, 30);
        }
        return journalDir;
    }

    private static List<JournalRecord> outputs(final Path journalDir) throws Exception
    {
        final List<JournalRecord> outputs = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(journalDir); JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                if (record.type == RecordType.OUTPUT_SIP)
                {
                    outputs.add(record);
                }
            }
        }
        return outputs;
    }
}
