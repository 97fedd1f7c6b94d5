package dev.referee.journal;

import dev.referee.ring.Counter;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A {@link RecordSink} writing one Chronicle document per record. One per writer thread: Chronicle's
 * {@link ExcerptAppender} is single-threaded, so it is created lazily on the thread that first writes. It counts the
 * records and bytes it appends (that thread writes, any thread reads: the metrics scrape).
 */
public final class ChronicleSink implements RecordSink, AutoCloseable
{
    private final SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private DocumentContext document;
    private long recordStart;
    /** Index of the first record of the snapshot being written (its configuration in force). */
    private long snapshotStart = -1;
    private final Counter records = new Counter();
    private final Counter bytes = new Counter();

    ChronicleSink(final SingleChronicleQueue queue)
    {
        this.queue = queue;
    }

    @Override
    public Bytes<?> begin()
    {
        if (appender == null)
        {
            appender = queue.createAppender();
        }
        document = appender.writingDocument();
        final Bytes<?> out = document.wire().bytes();
        recordStart = out.writePosition();
        return out;
    }

    @Override
    public void commit()
    {
        final DocumentContext current = document;
        document = null;
        final long length = current.wire().bytes().writePosition() - recordStart;
        current.close();
        records.increment();
        bytes.add(length);
    }

    @Override
    public void abort()
    {
        final DocumentContext current = document;
        document = null;
        if (current != null)
        {
            current.rollbackOnClose();
            current.close();
        }
    }

    @Override
    public void snapshotStarted()
    {
        snapshotStart = appender.lastIndexAppended();
    }

    /**
     * Notes, in the queue's table store, where the snapshot just completed started and the last record appended as
     * its last part.
     */
    @Override
    public void snapshotCommitted()
    {
        Journal.markLatestSnapshot(queue, snapshotStart < 0 ? appender.lastIndexAppended() : snapshotStart,
            appender.lastIndexAppended());
        snapshotStart = -1;
    }

    /** Records appended and committed. Any thread. */
    public long records()
    {
        return records.get();
    }

    /** Bytes of the records appended and committed (their encoded content, without Chronicle's headers). Any thread. */
    public long bytes()
    {
        return bytes.get();
    }

    /** Index of the last record this sink appended. */
    public long lastIndex()
    {
        return appender == null ? -1 : appender.lastIndexAppended();
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
    }
}
