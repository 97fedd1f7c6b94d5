package dev.referee.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A node's journal maps its files in {@link Journal#NODE_BLOCK_BYTES} chunks since 2026-12-06, Chronicle's default 64
 * MiB before: a journal an earlier version wrote (a node upgraded and restarted on it) reads back whole, and records
 * appended now follow its last one, across the new chunks' boundaries.
 */
class JournalChunkSizeTest
{
    private static final int MESSAGE_BYTES = 1000;
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 5060);

    @TempDir
    Path dir;

    @Test
    void shouldReadAndAppendToAJournalWrittenInChroniclesDefaultChunks() throws IOException
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_BYTES]);
        final int before = 40_000; // about 40 MB: past two of the new chunks, within one old
        final int after = 20_000;
        final JournalConfig config = new JournalConfig(JournalRoll.DAILY, 7, 0);
        try (Journal journal = Journal.openForWriting(dir, config, 64L << 20))
        {
            append(journal.newSink(), message, 0, before);
        }
        try (Journal journal = Journal.openForWriting(dir, config))
        {
            append(journal.newSink(), message, before, after);
            try (JournalReader reader = journal.newReader())
            {
                for (int i = 0; i < before + after; i++)
                {
                    final JournalRecord record = reader.next();
                    assertEquals(RecordType.INPUT_SIP, record.type, "record " + i);
                    assertEquals(i, record.timeNs, "record " + i);
                    assertEquals(MESSAGE_BYTES, record.message.length, "record " + i);
                }
                assertNull(reader.next(), "nothing after the last record appended");
            }
        }
    }

    private static void append(final ChronicleSink sink, final UnsafeBuffer message, final int from, final int count)
    {
        for (int i = from; i < from + count; i++)
        {
            JournalEncoder.inputSip(sink.begin(), i, 0, PEER, PEER, 0, message, 0, MESSAGE_BYTES);
            sink.commit();
        }
    }
}
