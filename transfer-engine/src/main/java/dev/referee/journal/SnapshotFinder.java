package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Finds the latest complete engine snapshot of a journal by reading backwards from its end, so that the cost is the
 * records after it, not the journal. A snapshot cut short by a crash (its last part missing) is passed over for the
 * one before. Single-threaded.
 */
public final class SnapshotFinder
{
    /**
     * A snapshot found: its bytes, the engine time it was taken at, the index of its last part, and the configuration
     * in force when it was taken, when a reload had replaced node-start's (null: node-start's).
     */
    public record Found(byte[] snapshot, long timeNs, long lastIndex, EngineConfig config)
    {
    }

    /**
     * How far before a snapshot's first part its config record may be: the snapshotter writes the two back to back on
     * the engine's appender; only records of other appenders (none on the engine's hot path) can come between.
     */
    private static final int CONFIG_LOOK_BEHIND = 64;

    private SnapshotFinder()
    {
    }

    /** The latest complete snapshot, or null when the journal has none. */
    public static Found latest(final Journal journal)
    {
        try (ExcerptTailer tailer = journal.newTailer())
        {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            byte[] snapshot = null;
            long timeNs = 0;
            long lastIndex = -1;
            int expected = -1;
            while (true)
            {
                try (DocumentContext document = tailer.readingDocument())
                {
                    if (!document.isPresent())
                    {
                        return null;
                    }
                    if (document.isMetaData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = document.wire().bytes();
                    if (bytes.readRemaining() == 0 ||
                        bytes.readUnsignedByte(bytes.readPosition()) != RecordType.SNAPSHOT)
                    {
                        continue;
                    }
                    final JournalRecord part = JournalDecoder.decode(bytes);
                    if (part.snapshotPart == part.snapshotParts - 1)
                    {
                        // The last part: a snapshot starts here (going backwards), whatever was being collected.
                        snapshot = new byte[part.snapshotLength];
                        timeNs = part.timeNs;
                        lastIndex = document.index();
                        expected = part.snapshotPart;
                    }
                    if (snapshot == null || part.snapshotPart != expected || part.timeNs != timeNs)
                    {
                        snapshot = null;
                        continue;
                    }
                    final int offset = part.snapshotPart * JournalSnapshotter.PART_BYTES;
                    if (offset + part.message.length > snapshot.length)
                    {
                        snapshot = null;
                        continue;
                    }
                    System.arraycopy(part.message, 0, snapshot, offset, part.message.length);
                    expected--;
                    if (expected < 0)
                    {
                        return new Found(snapshot, timeNs, lastIndex, configInForce(tailer, timeNs));
                    }
                }
            }
        }
    }

    /** The config record written with the snapshot of {@code timeNs}, reading on backwards from its first part. */
    private static EngineConfig configInForce(final ExcerptTailer tailer, final long timeNs)
    {
        for (int i = 0; i < CONFIG_LOOK_BEHIND; i++)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return null;
                }
                final Bytes<?> bytes = document.wire().bytes();
                if (document.isMetaData() || bytes.readRemaining() == 0 ||
                    bytes.readUnsignedByte(bytes.readPosition()) != RecordType.CONFIG)
                {
                    continue;
                }
                final JournalRecord record = JournalDecoder.decode(bytes);
                if (record.configPurpose == RecordType.CONFIG_IN_FORCE && record.timeNs == timeNs)
                {
                    return record.config;
                }
            }
        }
        return null;
    }
}
