package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
                    journal.pretouch(); // also runs every 25 ms on the housekeeping thread
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
            final Path file = firstRecordsFile(journal.newSink());
            // The housekeeping thread pre-touches every 25 ms as well, so only the state after is checked: the
            // range ahead resident (without pre-touching the file maps a few KiB).
            journal.pretouch();
            final long resident = residentKib(file);
            assertTrue(resident >= (Journal.PRETOUCH_AHEAD_BYTES >> 10) * 3 / 4,
                "resident pages of " + file.getFileName() + ": " + resident + " KiB");
        }
    }

    /**
     * On a kernel with {@code MADV_POPULATE_WRITE} (Linux 5.14 on, as this machine kind's) the pages ahead are made
     * resident in one call per chunk, not a fault per page, and it stays so while records of any length move the
     * write position to any byte of a page and across the mapping's chunks (1 MiB here): the kernel never refused.
     * Everything appended reads back.
     */
    @Test
    void shouldMakeThePagesAheadResidentInOneCallWhereTheKernelCan() throws IOException
    {
        final String[] version = System.getProperty("os.version").split("[.-]");
        assumeTrue(System.getProperty("os.name").equals("Linux") &&
            Integer.parseInt(version[0]) * 100 + Integer.parseInt(version[1]) >= 514, "Linux 5.14 or later");
        final org.agrona.concurrent.UnsafeBuffer data = new org.agrona.concurrent.UnsafeBuffer(new byte[1000]);
        final java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", 5060);
        final int records = 12_000; // about 12 MB: a dozen chunks
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 1 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            for (int i = 0; i < records; i++)
            {
                if (i % 700 == 0)
                {
                    journal.pretouch();
                    assertTrue(journal.populatesInOneCall(), "the kernel refused MADV_POPULATE_WRITE, record " + i);
                }
                JournalEncoder.inputSip(sink.begin(), i, 0, peer, peer, 0, data, 0, 1 + i % 997);
                sink.commit();
            }
            try (JournalReader reader = journal.newReader())
            {
                for (int i = 0; i < records; i++)
                {
                    assertEquals(1 + i % 997, reader.next().message.length);
                }
                assertNull(reader.next());
            }
        }
    }

    /**
     * Writers that outrun the pre-toucher (past every touched page between two looks) make it reach twice as far
     * ahead; writers it keeps ahead of leave the range as it is.
     */
    @Test
    void shouldReachFurtherAheadWhenTheWritersOutrunIt() throws IOException
    {
        final org.agrona.concurrent.UnsafeBuffer data = new org.agrona.concurrent.UnsafeBuffer(new byte[1000]);
        final java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", 5060);
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 64 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            firstRecordsFile(sink);
            // Holding the journal's lock keeps the housekeeping thread's own looks out of the way.
            synchronized (journal)
            {
                journal.pretouch();
                for (int i = 0; i < 1_000; i++) // about 1 MB: within the range touched
                {
                    JournalEncoder.inputSip(sink.begin(), i, 0, peer, peer, 0, data, 0, 1000);
                    sink.commit();
                }
                journal.pretouch();
                assertEquals(Journal.PRETOUCH_AHEAD_BYTES, journal.aheadBytes(), "kept ahead of: unchanged");

                final long written = Journal.PRETOUCH_AHEAD_BYTES + (1 << 20);
                for (int i = 0; i < written / 1000; i++) // past every page touched
                {
                    JournalEncoder.inputSip(sink.begin(), i, 0, peer, peer, 0, data, 0, 1000);
                    sink.commit();
                }
                journal.pretouch();
                assertEquals(2 * Journal.PRETOUCH_AHEAD_BYTES, journal.aheadBytes(), "outrun once: twice as far");
            }
        }
    }

    /**
     * Before touching, the pre-toucher reserves the disk blocks under the pages ahead (the file system then has
     * nothing to allocate on each page's first touch): the file holds at least that many bytes of blocks, past the
     * pages touched, and Chronicle still sees the size it gave the file.
     */
    @Test
    void shouldReserveTheBlocksUnderThePagesAheadWithoutChangingTheFileSize() throws IOException
    {
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 64 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            final Path file = firstRecordsFile(sink);
            final long sizeBefore = java.nio.file.Files.size(file);
            journal.pretouch();
            final long reserved = journal.reservedToPosition();
            assertTrue(reserved >= Journal.PRETOUCH_AHEAD_BYTES, "reserved to " + reserved);
            assertEquals(0, reserved % CycleFilePages.STEP_BYTES, "whole steps: " + reserved);
            final long allocatedKib = net.openhft.posix.PosixAPI.posix().du(file.toString());
            assertTrue(allocatedKib >= reserved >> 10, "blocks of " + file.getFileName() + ": " + allocatedKib
                + " KiB, reserved to " + (reserved >> 10) + " KiB");
            assertEquals(sizeBefore, java.nio.file.Files.size(file), "the file's size is Chronicle's");

            for (int i = 0; i < 1000; i++)
            {
                JournalEncoder.inputTick(sink.begin(), i);
                sink.commit();
            }
            try (JournalReader reader = journal.newReader())
            {
                int read = 0;
                while (reader.next() != null)
                {
                    read++;
                }
                assertEquals(1001, read, "records appended over reserved blocks read back");
            }
        }
    }

    /**
     * The journal holds a bounded part of the page cache: pages far behind the writer are written back and dropped
     * (fincore, util-linux, counts the file's cached pages), and the records in them still read back, from the disk.
     */
    @Test
    void shouldDropThePagesFarBehindTheWriterFromThePageCache() throws IOException, InterruptedException
    {
        final byte[] message = new byte[1000];
        java.util.Arrays.fill(message, (byte)'x');
        final org.agrona.concurrent.UnsafeBuffer data = new org.agrona.concurrent.UnsafeBuffer(message);
        final java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1", 5060);
        final int records = 60_000; // about 62 MB
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 0), 1 << 20))
        {
            final ChronicleSink sink = journal.newSink();
            for (int i = 0; i < records; i++)
            {
                if (i % 500 == 0)
                {
                    journal.pretouch();
                }
                JournalEncoder.inputSip(sink.begin(), i, 0, peer, peer, 0, data, 0, message.length);
                sink.commit();
            }
            journal.pretouch();
            journal.pretouch(); // the last steps' writeback started by the call before is waited for and dropped
            final Path file = Journal.cycleFiles(dir).get(0);
            final long written = (long)records * message.length;
            final long keep = journal.keepBehindBytes();
            final long cached = Fincore.cachedBytes(file);
            assertTrue(cached <= keep + Journal.PRETOUCH_AHEAD_BYTES + 3 * CycleFilePages.STEP_BYTES,
                "cached " + (cached >> 20) + " MiB of a " + (written >> 20) + " MiB journal, keeping " + (keep >> 20)
                    + " MiB behind the writer");
            assertTrue(journal.droppedToPosition() >= written - keep - 2 * CycleFilePages.STEP_BYTES,
                "dropped to " + journal.droppedToPosition() + " of " + written);

            try (JournalReader reader = journal.newReader())
            {
                int read = 0;
                for (JournalRecord record = reader.next(); record != null; record = reader.next())
                {
                    assertEquals(read++, record.timeNs);
                }
                assertEquals(records, read, "every record reads back, dropped or not");
            }
        }
    }

    /** The bytes of {@code file} in the page cache, as fincore (util-linux) counts them. */
    /** Appends a first record through {@code sink}: the cycle file it created. */
    private Path firstRecordsFile(final ChronicleSink sink) throws IOException
    {
        JournalEncoder.inputTick(sink.begin(), 1);
        sink.commit();
        return Journal.cycleFiles(dir).get(0);
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
