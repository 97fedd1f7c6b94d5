package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
