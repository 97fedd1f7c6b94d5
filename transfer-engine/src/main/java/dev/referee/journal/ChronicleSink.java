package dev.referee.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A {@link RecordSink} writing one Chronicle document per record. One per writer thread: Chronicle's
 * {@link ExcerptAppender} is single-threaded, so it is created lazily on the thread that first writes.
 */
public final class ChronicleSink implements RecordSink, AutoCloseable
{
    private final ChronicleQueue queue;
    private ExcerptAppender appender;
    private DocumentContext document;

    ChronicleSink(final ChronicleQueue queue)
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
        return document.wire().bytes();
    }

    @Override
    public void commit()
    {
        final DocumentContext current = document;
        document = null;
        current.close();
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
