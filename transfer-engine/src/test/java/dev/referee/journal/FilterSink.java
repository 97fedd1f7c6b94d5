package dev.referee.journal;

import net.openhft.chronicle.bytes.Bytes;

import java.util.function.UnaryOperator;

/** Encodes each record in memory, then passes it (changed or not) to the real sink, or drops it (null). */
final class FilterSink implements RecordSink
{
    private final MemorySink memory = new MemorySink();
    private final RecordSink real;
    private final UnaryOperator<byte[]> filter;

    FilterSink(final RecordSink real, final UnaryOperator<byte[]> filter)
    {
        this.real = real;
        this.filter = filter;
    }

    @Override
    public Bytes<?> begin()
    {
        return memory.begin();
    }

    @Override
    public void commit()
    {
        memory.commit();
        final byte[] record = filter.apply(memory.records().poll());
        if (record != null)
        {
            real.begin().write(record);
            real.commit();
        }
    }

    @Override
    public void abort()
    {
        memory.abort();
    }
}
