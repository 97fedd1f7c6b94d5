package dev.referee.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.util.function.IntPredicate;

/**
 * Reads records in journal order from the start (or from where the last call stopped: on a journal being written
 * {@link #next()} returns null at the current end and later returns what was appended since). Single-threaded.
 */
public final class JournalReader implements AutoCloseable
{
    private final ExcerptTailer tailer;

    JournalReader(final ExcerptTailer tailer)
    {
        this.tailer = tailer;
    }

    /** The next record, or null when none is there (yet). */
    public JournalRecord next()
    {
        return read(null);
    }

    /**
     * The next record of a type {@code wanted} accepts, or null when none is there (yet): the others are passed over
     * on their first byte, not decoded (a restart replays the inputs of a journal whose outputs and domain events are
     * most of its records).
     */
    public JournalRecord next(final IntPredicate wanted)
    {
        return read(wanted);
    }

    /** The next record ({@code wanted} null: of any type). */
    private JournalRecord read(final IntPredicate wanted)
    {
        while (true)
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                if (!document.isPresent())
                {
                    return null;
                }
                final Bytes<?> bytes = document.wire().bytes();
                if (document.isMetaData() || wanted != null && !wanted.test(JournalDecoder.peekType(bytes)))
                {
                    continue;
                }
                final JournalRecord record = JournalDecoder.decode(bytes);
                record.index = document.index();
                return record;
            }
        }
    }

    @Override
    public void close()
    {
        tailer.close();
    }
}
