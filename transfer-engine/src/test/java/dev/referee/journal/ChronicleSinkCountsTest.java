package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChronicleSinkCountsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCountTheRecordsAndBytesCommittedButNotThoseAborted() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, JournalConfig.defaults()))
        {
            final ChronicleSink sink = journal.newSink();
            sink.begin().writeLong(1L).writeInt(2);
            sink.commit();
            sink.begin().writeLong(3L);
            sink.abort();
            sink.begin().write(new byte[100]);
            sink.commit();

            assertEquals(2, sink.records());
            assertEquals(8 + 4 + 100, sink.bytes());
        }
    }
}
