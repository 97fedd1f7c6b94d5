package dev.referee.journal;

import org.agrona.IoUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's answers to the cycle file's advice: what is reserved and dropped, and a refusal that names the call
 * (the journal logs it once and goes on without the advice).
 */
class CycleFilePagesTest
{
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void shouldReserveWholeStepsFromTheStepHoldingTheFirstPosition() throws IOException
    {
        final Path file = sparseFile(64 * MIB);
        try (CycleFilePages pages = CycleFilePages.open(file.toFile(), 8 * MIB))
        {
            assertTrue(pages.reserveTo(5 * MIB, 9 * MIB));
            assertEquals(12 * MIB, pages.reservedTo(), "steps of 4 MiB from 4 MiB to past 9 MiB");
            assertTrue(pages.reserveTo(9 * MIB, 10 * MIB));
            assertEquals(12 * MIB, pages.reservedTo(), "nothing more to reserve");
        }
    }

    @Test
    void shouldDropOnlyWhatIsMoreThanTheKeptBytesBehindTheWriter() throws IOException
    {
        final Path file = sparseFile(64 * MIB);
        try (CycleFilePages pages = CycleFilePages.open(file.toFile(), 8 * MIB))
        {
            final long keep = pages.keepBehindBytes();
            assertEquals(12 * MIB, keep, "the mapped bytes and a step, in whole steps");
            assertEquals(8 * MIB, pages.droppedTo(), "the first chunk, which holds the header, is left alone");
            assertTrue(pages.dropBehind(keep + 8 * MIB + 3 * MIB));
            assertEquals(8 * MIB, pages.droppedTo(), "less than a step behind the kept bytes: nothing");
            assertTrue(pages.dropBehind(keep + 8 * MIB + 9 * MIB));
            assertEquals(8 * MIB, pages.droppedTo(), "the first call starts the writeback of 8 MiB, drops nothing yet");
            assertTrue(pages.dropBehind(keep + 8 * MIB + 9 * MIB));
            assertEquals(16 * MIB, pages.droppedTo(), "the next call drops what the call before wrote back");
        }
    }

    /**
     * A page still mapped when the drop passes it stays cached (the kernel keeps mapped pages), and goes at the next
     * drop once unmapped: Chronicle keeps the chunk of a filling index array mapped after the writer left it.
     */
    @Test
    void shouldDropAgainWhatWasStillMappedWhenTheDropPassed() throws IOException, InterruptedException
    {
        final Path file = sparseFile(16 * MIB);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            CycleFilePages pages = CycleFilePages.open(file.toFile(), 4 * MIB))
        {
            final MappedByteBuffer indexChunk = touched(channel.map(FileChannel.MapMode.READ_WRITE, 4 * MIB, MIB));
            IoUtil.unmap(touched(channel.map(FileChannel.MapMode.READ_WRITE, 5 * MIB, 4 * MIB)));
            final long writer = pages.keepBehindBytes() + 16 * MIB;
            assertTrue(pages.dropBehind(writer));
            assertTrue(pages.dropBehind(writer));
            assertEquals(16 * MIB, pages.droppedTo());
            final long whileMapped = Fincore.cachedBytes(file);

            IoUtil.unmap(indexChunk);
            assertTrue(pages.dropBehind(writer + CycleFilePages.STEP_BYTES));
            assertTrue(pages.dropBehind(writer + CycleFilePages.STEP_BYTES));
            final long unmapped = Fincore.cachedBytes(file);
            assertTrue(unmapped <= 4 * MIB, "what is left is in the first chunk (read around): " + unmapped);
            final long left = whileMapped - unmapped;
            assertTrue(left >= MIB && left < 4 * MIB,
                "the mapped mebibyte (and the rest of its folio) stayed until unmapped, the 4 MiB after it went: " +
                    left);
        }
    }

    /** Every page of {@code chunk} written once, as Chronicle's writers do through their mappings. */
    private static MappedByteBuffer touched(final MappedByteBuffer chunk)
    {
        for (int page = 0; page < chunk.capacity(); page += 4096)
        {
            chunk.put(page, (byte)1);
        }
        return chunk;
    }

    @Test
    void shouldNameTheCallTheKernelRefused() throws IOException
    {
        final Path file = sparseFile(64 * MIB);
        final CycleFilePages pages = CycleFilePages.open(file.toFile(), 8 * MIB);
        pages.close(); // its descriptor is gone: every call fails with EBADF
        assertFalse(pages.reserveTo(0, 4 * MIB));
        assertTrue(pages.failure().startsWith("fallocate: "), pages.failure());
        assertFalse(pages.dropBehind(64 * MIB));
        assertTrue(pages.failure().startsWith("posix_fadvise: "), pages.failure());
    }

    @Test
    void shouldOpenNothingForAMissingFile()
    {
        assertNull(CycleFilePages.open(dir.resolve("missing.cq4").toFile(), 8 * MIB));
    }

    private Path sparseFile(final long size) throws IOException
    {
        final Path file = dir.resolve("cycle.cq4");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(size);
        }
        return file;
    }
}
