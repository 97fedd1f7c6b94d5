package dev.referee.journal;

import net.openhft.chronicle.bytes.Bytes;

import java.util.ArrayDeque;

/** A {@link RecordSink} that keeps each record as a byte array in a queue (replay verification, tests). */
public final class MemorySink implements RecordSink
{
    private final Bytes<?> bytes = Bytes.allocateElasticOnHeap(4096);
    private final ArrayDeque<byte[]> records = new ArrayDeque<>();

    @Override
    public Bytes<?> begin()
    {
        bytes.clear();
        return bytes;
    }

    @Override
    public void commit()
    {
        records.add(bytes.toByteArray());
    }

    @Override
    public void abort()
    {
        bytes.clear();
    }

    public ArrayDeque<byte[]> records()
    {
        return records;
    }
}
