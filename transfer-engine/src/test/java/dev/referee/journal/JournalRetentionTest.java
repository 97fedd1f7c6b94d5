package dev.referee.journal;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Old cycle files beyond {@code journal.retain} are deleted; the newest ones stay. */
class JournalRetentionTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepOnlyTheRetainedCycles() throws Exception
    {
        // Five minutely cycles written with a settable clock (Chronicle names and rolls files by its time provider).
        final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(dir)
            .rollCycle(Journal.rollCycle(JournalRoll.MINUTELY)).timeProvider(time).build();
            ExcerptAppender appender = queue.createAppender())
        {
            for (int minute = 0; minute < 5; minute++)
            {
                try (DocumentContext document = appender.writingDocument())
                {
                    JournalEncoder.inputTick(document.wire().bytes(), minute);
                }
                time.advanceMillis(60_000);
            }
        }
        assertEquals(5, Journal.cycleFiles(dir).size());

        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.MINUTELY, 2, 60_000)))
        {
            journal.housekeep();
            assertEquals(2, Journal.cycleFiles(dir).size());
        }
    }
}
