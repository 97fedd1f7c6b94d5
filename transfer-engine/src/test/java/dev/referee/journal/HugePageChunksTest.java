package dev.referee.journal;

import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshot writer's chunks from huge-page mappings: each chunk is its own memory (no two overlap, across the
 * mappings of {@link HugePageChunks#SLAB_BYTES}), a snapshot written into them reads back as one written on the heap,
 * and where the kernel grants huge pages on request the chunks are in them.
 */
class HugePageChunksTest
{
    private static final int CHUNK = JournalSnapshotter.CHUNK_BYTES;

    @Test
    void shouldHandOutChunksThatDoNotOverlapAcrossMappings()
    {
        final HugePageChunks memory = new HugePageChunks();
        final int count = (int)(2 * HugePageChunks.SLAB_BYTES / CHUNK) + 3;
        final List<UnsafeBuffer> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final UnsafeBuffer chunk = memory.apply(CHUNK);
            assertEquals(CHUNK, chunk.capacity());
            chunk.setMemory(0, CHUNK, (byte)i);
            chunks.add(chunk);
        }
        for (int i = 0; i < count; i++)
        {
            final UnsafeBuffer chunk = chunks.get(i);
            assertEquals((byte)i, chunk.getByte(0), "chunk " + i + " first byte");
            assertEquals((byte)i, chunk.getByte(CHUNK - 1), "chunk " + i + " last byte");
        }
        assertTrue(memory.mapping(), "on Linux with Chronicle's native access, chunks come from mappings");
    }

    @Test
    void shouldReadBackASnapshotAsOneWrittenOnTheHeap()
    {
        final SnapshotWriter offHeap = SnapshotWriter.offHeap(CHUNK, new HugePageChunks());
        final SnapshotWriter onHeap = new SnapshotWriter(CHUNK);
        final SplittableRandom random = new SplittableRandom(4475);
        for (int i = 0; i < 400_000; i++)
        {
            final long value = random.nextLong();
            final String text = Long.toHexString(value);
            for (final SnapshotWriter writer : new SnapshotWriter[]{offHeap, onHeap})
            {
                writer.writeLong(value);
                writer.writeInt((int)value);
                writer.writeString(text);
            }
        }
        assertTrue(offHeap.length() > 8 * CHUNK, "the snapshot spans chunks: " + offHeap.length());
        assertArrayEquals(onHeap.toByteArray(), offHeap.toByteArray());
    }

    @Test
    void shouldBeInHugePagesWhereTheKernelGrantsThemOnRequest() throws IOException
    {
        final Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        final boolean onRequest = Files.isReadable(thp) &&
            Files.readString(thp, StandardCharsets.UTF_8).matches("(?s).*\\[(always|madvise)\\].*");
        final long before = anonHugePagesKb();
        final HugePageChunks memory = new HugePageChunks();
        final List<UnsafeBuffer> kept = new ArrayList<>();
        for (int i = 0; i < HugePageChunks.SLAB_BYTES / CHUNK; i++)
        {
            kept.add(memory.apply(CHUNK));
        }
        final long grownKb = anonHugePagesKb() - before;
        if (onRequest && before >= 0)
        {
            assertTrue(grownKb >= 2048, "huge pages grew by " + grownKb + " kB for " + kept.size() + " chunks");
        }
    }

    /** AnonHugePages of this process in kB, -1 when /proc does not say. */
    private static long anonHugePagesKb() throws IOException
    {
        final Path rollup = Path.of("/proc/self/smaps_rollup");
        if (!Files.isReadable(rollup))
        {
            return -1;
        }
        for (final String line : Files.readAllLines(rollup, StandardCharsets.UTF_8))
        {
            if (line.startsWith("AnonHugePages:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
