package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Finds the latest complete engine snapshot of a journal by reading backwards from its end, so that the cost is the
 * records after it, not the journal. A snapshot cut short by a crash (its last part missing) is passed over for the
 * one before. Single-threaded.
 * <p>
 * The node notes where each snapshot's last part is once the snapshot is complete
 * ({@link Journal#latestSnapshotMark()}); where that note is missing or wrong (a journal of an older version, one put
 * together by hand) the last part is looked for. Chronicle's tailer reads backwards a record at a time, each step a
 * scan from the nearest index entry: through the 770,000 records a minute of 3,000 calls/s leaves after a snapshot
 * that took 2.2 s of a restart. So the latest snapshot's last part is looked for forwards, in windows of
 * {@link #WINDOW_RECORDS} taken from the end of the newest cycle file backwards, then of each older one (one index
 * lookup a window, then sequential reads of each record's first bytes), and the parts are gathered backwards from
 * there. A journal with no snapshot's last part has no snapshot.
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
    /** Records read forwards per index lookup while looking for the latest snapshot's last part. */
    static final int WINDOW_RECORDS = 16_384;
    /** A snapshot record's fields (JournalEncoder.snapshotPart): after its type and version, time, part, parts... */
    private static final int TIME_OFFSET = 2;
    private static final int PART_OFFSET = TIME_OFFSET + Long.BYTES;
    private static final int PARTS_OFFSET = PART_OFFSET + Integer.BYTES;
    private static final int TOTAL_LENGTH_OFFSET = PARTS_OFFSET + Integer.BYTES;
    private static final int LENGTH_OFFSET = TOTAL_LENGTH_OFFSET + Integer.BYTES;
    /** ...then the part's bytes. */
    private static final int PAYLOAD_OFFSET = LENGTH_OFFSET + Integer.BYTES;

    private SnapshotFinder()
    {
    }

    /** The latest complete snapshot, or null when the journal has none. */
    public static Found latest(final Journal journal)
    {
        return latest(journal, WINDOW_RECORDS);
    }

    /** {@link #latest(Journal)} reading {@code window} records forwards per index lookup. */
    static Found latest(final Journal journal, final int window)
    {
        final long lastPart = lastPartIndex(journal, window);
        if (lastPart < 0)
        {
            return null;
        }
        try (ExcerptTailer tailer = journal.newTailer())
        {
            tailer.direction(TailerDirection.BACKWARD);
            if (!tailer.moveToIndex(lastPart))
            {
                tailer.toEnd();
            }
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
                    if (JournalDecoder.peekType(bytes) != RecordType.SNAPSHOT)
                    {
                        continue;
                    }
                    // The part's fields read where they are and its bytes straight into the snapshot: no copy of
                    // each part (1 MiB each, fresh memory, which a first touch makes dear on a VM).
                    final long at = bytes.readPosition();
                    if (bytes.readRemaining() < PAYLOAD_OFFSET)
                    {
                        snapshot = null;
                        continue;
                    }
                    final long partTimeNs = bytes.readLong(at + TIME_OFFSET);
                    final int partNumber = bytes.readInt(at + PART_OFFSET);
                    final int parts = bytes.readInt(at + PARTS_OFFSET);
                    final int totalLength = bytes.readInt(at + TOTAL_LENGTH_OFFSET);
                    final int length = bytes.readInt(at + LENGTH_OFFSET);
                    if (partNumber == parts - 1 && totalLength >= 0)
                    {
                        // The last part: a snapshot starts here (going backwards), whatever was being collected.
                        snapshot = new byte[totalLength];
                        timeNs = partTimeNs;
                        lastIndex = document.index();
                        expected = partNumber;
                    }
                    if (snapshot == null || partNumber != expected || partTimeNs != timeNs)
                    {
                        snapshot = null;
                        continue;
                    }
                    final long offset = (long)partNumber * JournalSnapshotter.PART_BYTES;
                    if (length < 0 || offset + length > snapshot.length ||
                        length > bytes.readRemaining() - PAYLOAD_OFFSET)
                    {
                        snapshot = null;
                        continue;
                    }
                    bytes.readPosition(at + PAYLOAD_OFFSET);
                    bytes.read(snapshot, (int)offset, length);
                    expected--;
                    if (expected < 0)
                    {
                        return new Found(snapshot, timeNs, lastIndex, configInForce(tailer, timeNs));
                    }
                }
            }
        }
    }

    /**
     * The index of the last part of the latest snapshot in the journal (a snapshot cut short has none): where the node
     * noted it ({@link Journal#latestSnapshotMark()}) when a last part is there, else read forwards a window at a time
     * from the end of the newest cycle file backwards, then from the end of each older one; -1 when no cycle holds
     * one. A journal younger than its first snapshot is read once forwards, never backwards record by record: that
     * backward walk (an index lookup and a scan per record) was most of a restart's replay thread after a kill before
     * the first snapshot, about 3.7 s of CPU for a million records (docs/benchmarks.md).
     */
    static long lastPartIndex(final Journal journal, final int window)
    {
        final long last = journal.lastIndex();
        if (last < 0)
        {
            return -1;
        }
        final RollCycle roll = journal.rollCycle();
        try (ExcerptTailer tailer = journal.newTailer())
        {
            final long marked = journal.latestSnapshotMark();
            if (marked >= 0 && isLastPartAt(tailer, marked))
            {
                return marked;
            }
            for (final int cycle : journal.cyclesNewestFirst())
            {
                final long endSequence = cycle == roll.toCycle(last) ? roll.toSequenceNumber(last) + 1 :
                    endSequence(tailer, roll, cycle);
                final long found = lastPartInCycle(tailer, roll, cycle, endSequence, window);
                if (found >= 0)
                {
                    return found;
                }
            }
        }
        return -1;
    }

    /** The last part's index among the records of {@code cycle} before {@code endSequence}; -1 when none is. */
    private static long lastPartInCycle(final ExcerptTailer tailer, final RollCycle roll, final int cycle,
        final long endSequence, final int window)
    {
        long end = endSequence;
        while (end > 0)
        {
            final long startSequence = Math.max(0, end - window);
            if (!tailer.moveToIndex(roll.toIndex(cycle, startSequence)))
            {
                return -1;
            }
            final long found = lastPartBefore(tailer, roll.toIndex(cycle, end));
            if (found >= 0)
            {
                return found;
            }
            end = startSequence;
        }
        return -1;
    }

    /**
     * One past the last sequence number written in {@code cycle} (an older cycle file, complete): found by doubling,
     * then halving, with an index lookup per probe, about 60 for a day of records.
     */
    static long endSequence(final ExcerptTailer tailer, final RollCycle roll, final int cycle)
    {
        if (!holds(tailer, roll.toIndex(cycle, 0)))
        {
            return 0;
        }
        final long max = roll.maxMessagesPerCycle();
        long present = 0;
        long absent = 1;
        while (absent < max && holds(tailer, roll.toIndex(cycle, absent)))
        {
            present = absent;
            absent = Math.min(max, absent * 2);
        }
        while (absent - present > 1)
        {
            final long middle = (present + absent) >>> 1;
            if (holds(tailer, roll.toIndex(cycle, middle)))
            {
                present = middle;
            }
            else
            {
                absent = middle;
            }
        }
        return present + 1;
    }

    /** True when the journal has a record at {@code index} (read forwards from there, the next record is that one). */
    private static boolean holds(final ExcerptTailer tailer, final long index)
    {
        return holds(tailer, index, false);
    }

    /** True when the record at {@code index} is a snapshot's last part. */
    private static boolean isLastPartAt(final ExcerptTailer tailer, final long index)
    {
        return holds(tailer, index, true);
    }

    private static boolean holds(final ExcerptTailer tailer, final long index, final boolean lastPartOnly)
    {
        if (!tailer.moveToIndex(index))
        {
            return false;
        }
        try (DocumentContext document = tailer.readingDocument())
        {
            return document.isPresent() && document.index() == index &&
                (!lastPartOnly || isLastPart(document.wire().bytes()));
        }
    }

    /**
     * Reading forwards from where {@code tailer} stands to just before {@code endIndex}: the index of the last record
     * there that is a snapshot's last part, -1 when none is.
     */
    private static long lastPartBefore(final ExcerptTailer tailer, final long endIndex)
    {
        long found = -1;
        while (true)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent() || document.index() >= endIndex)
                {
                    return found;
                }
                if (!document.isMetaData() && isLastPart(document.wire().bytes()))
                {
                    found = document.index();
                }
            }
        }
    }

    private static boolean isLastPart(final Bytes<?> bytes)
    {
        final long at = bytes.readPosition();
        return JournalDecoder.peekType(bytes) == RecordType.SNAPSHOT &&
            bytes.readRemaining() >= PARTS_OFFSET + Integer.BYTES &&
            bytes.readInt(at + PART_OFFSET) == bytes.readInt(at + PARTS_OFFSET) - 1;
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
                if (document.isMetaData() || JournalDecoder.peekType(bytes) != RecordType.CONFIG)
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
