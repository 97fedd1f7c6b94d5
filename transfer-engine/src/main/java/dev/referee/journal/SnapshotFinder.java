package dev.referee.journal;

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
    /** A snapshot found: its bytes, the engine time it was taken at, and the index of its last part. */
    public record Found(byte[] snapshot, long timeNs, long lastIndex)
    {
    }

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
                        return new Found(snapshot, timeNs, lastIndex);
                    }
                }
            }
        }
    }
}
