package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-touching the pages after the write position never changes what the writers append: records appended across
 * touched pages (and across a small block size's chunk boundaries) read back whole and in order.
 */
class JournalPretouchTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReadBackEveryRecordAppendedIntoPretouchedPages() throws IOException
    {
        final int records = 20_000;
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 1 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            for (int i = 0; i < records; i++)
            {
                if (i % 500 == 0)
                {
                    journal.pretouch(); // also runs every 10 ms on the housekeeping thread
                }
                JournalEncoder.inputTick(sink.begin(), i);
                sink.commit();
            }
            try (JournalReader reader = journal.newReader())
            {
                for (int i = 0; i < records; i++)
                {
                    final JournalRecord record = reader.next();
                    assertEquals(RecordType.INPUT_TICK, record.type);
                    assertEquals(i, record.timeNs);
                }
                assertNull(reader.next(), "nothing after the last record: touched pages hold no record");
            }
        }
    }

    /**
     * After a pre-touch the pages ahead of the write position are mapped in (resident in this process), so an
     * append there takes no fault.
     */
    @Test
    void shouldMakeThePagesAheadResidentAndWritable() throws IOException
    {
        // Chunks larger than the range ahead, as a node's (a chunk no mapping holds any more would be unmapped).
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 64 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            JournalEncoder.inputTick(sink.begin(), 1);
            sink.commit();
            final Path file = Journal.cycleFiles(dir).get(0);
            // The housekeeping thread pre-touches every 10 ms as well, so only the state after is checked: the
            // range ahead resident (without pre-touching the file maps a few KiB).
            journal.pretouch();
            final long resident = residentKib(file);
            assertTrue(resident >= (Journal.PRETOUCH_AHEAD_BYTES >> 10) * 3 / 4,
                "resident pages of " + file.getFileName() + ": " + resident + " KiB");
        }
    }

    /** The resident kibibytes of this process's mappings of {@code file} (/proc/self/smaps). */
    private static long residentKib(final Path file) throws IOException
    {
        final String name = file.toRealPath().toString();
        long kib = 0;
        boolean inFile = false;
        for (final String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/smaps")))
        {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*"))
            {
                inFile = line.endsWith(name);
            }
            else if (inFile && line.startsWith("Rss:"))
            {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib;
    }
}
