package dev.referee.journal;

/**
 * Puts a snapshot's parts back together while reading forwards: the parts of one snapshot come in order (the engine
 * thread appends them one after the other). Single-threaded.
 */
final class SnapshotAssembler
{
    private byte[] snapshot;
    private long timeNs;
    private int expected;

    /** Adds a part; returns the whole snapshot when {@code part} completes it, else null. */
    byte[] add(final JournalRecord part)
    {
        if (part.snapshotPart == 0)
        {
            snapshot = new byte[part.snapshotLength];
            timeNs = part.timeNs;
            expected = 0;
        }
        if (snapshot == null || part.snapshotPart != expected || part.timeNs != timeNs ||
            part.snapshotPart * JournalSnapshotter.PART_BYTES + part.message.length > snapshot.length)
        {
            snapshot = null;
            return null;
        }
        System.arraycopy(part.message, 0, snapshot, part.snapshotPart * JournalSnapshotter.PART_BYTES,
            part.message.length);
        expected++;
        if (expected < part.snapshotParts)
        {
            return null;
        }
        final byte[] whole = snapshot;
        snapshot = null;
        return whole;
    }
}
