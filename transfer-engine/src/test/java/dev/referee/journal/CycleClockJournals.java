package dev.referee.journal;

import net.openhft.chronicle.core.time.TimeProvider;

import java.io.IOException;
import java.nio.file.Path;

/** Journals whose cycle files roll on a clock the test sets: retention is tested without waiting a roll cycle. */
public final class CycleClockJournals
{
    private CycleClockJournals()
    {
    }

    /** A node's journal (as {@link Journal#openForWriting(Path, JournalConfig)}) rolling on {@code clock}. */
    public static Journal openForWriting(final Path dir, final JournalConfig config, final TimeProvider clock)
        throws IOException
    {
        return Journal.openForWriting(dir, config, Journal.NODE_BLOCK_BYTES, clock);
    }
}
