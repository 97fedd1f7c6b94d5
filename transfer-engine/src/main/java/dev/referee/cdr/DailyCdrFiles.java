package dev.referee.cdr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;

/**
 * Appends lines to one file per UTC day, {@code cdr-YYYY-MM-DD.jsonl}, opening (or creating) the day's file when the
 * first line for that day comes. Lines are buffered and written at {@link #flush()}, once per batch. Confined to the
 * writer thread.
 */
final class DailyCdrFiles implements AutoCloseable
{
    private static final long NO_DAY = Long.MIN_VALUE;

    private final Path dir;
    private final StringBuilder pending = new StringBuilder(64 * 1024);
    private long pendingDay = NO_DAY;
    private long openDay = NO_DAY;
    private FileChannel channel;

    DailyCdrFiles(final Path dir) throws IOException
    {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    static String fileName(final long epochDay)
    {
        return "cdr-" + LocalDate.ofEpochDay(epochDay) + ".jsonl";
    }

    /** The caller appends its line to the builder returned, which belongs to {@code epochDay}'s file. */
    StringBuilder lineFor(final long epochDay) throws IOException
    {
        if (NO_DAY != pendingDay && epochDay != pendingDay)
        {
            flush();
        }
        pendingDay = epochDay;
        return pending;
    }

    void flush() throws IOException
    {
        if (0 == pending.length())
        {
            return;
        }
        if (openDay != pendingDay)
        {
            open(pendingDay);
        }
        final ByteBuffer bytes = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
        pending.setLength(0);
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            flush();
        }
        finally
        {
            closeChannel();
        }
    }

    private void open(final long epochDay) throws IOException
    {
        closeChannel();
        channel = FileChannel.open(
            dir.resolve(fileName(epochDay)),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        openDay = epochDay;
    }

    private void closeChannel() throws IOException
    {
        if (null != channel)
        {
            final FileChannel toClose = channel;
            channel = null;
            openDay = NO_DAY;
            toClose.close();
        }
    }
}
