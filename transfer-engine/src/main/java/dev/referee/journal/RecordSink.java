package dev.referee.journal;

import net.openhft.chronicle.bytes.Bytes;

/**
 * Where one writer thread puts encoded records: {@link #begin()} gives the bytes to encode one record into, then
 * {@link #commit()} or {@link #abort()}. The live journal writes straight into Chronicle's mapped file; replay
 * verification encodes into memory with the same encoder, so that a comparison is a byte comparison.
 */
public interface RecordSink
{
    Bytes<?> begin();

    void commit();

    /** Drops the record begun (an encoder failed half way). */
    void abort();

    /**
     * The record just committed is the first of a snapshot (the configuration in force written before its parts).
     * Nothing by default.
     */
    default void snapshotStarted()
    {
    }

    /**
     * The record just committed is the last part of a complete snapshot: a journal notes where, so that recovery
     * finds it without reading the records after it ({@link SnapshotFinder}), and where that snapshot started, so that
     * retention keeps what recovery from it needs ({@link Journal#housekeep()}). Nothing by default.
     */
    default void snapshotCommitted()
    {
    }
}
