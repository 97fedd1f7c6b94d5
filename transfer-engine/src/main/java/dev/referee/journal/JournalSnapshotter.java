package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.ring.PlannedPause;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.NanoClock;

/**
 * Writes a snapshot of the engine into the journal every {@code journal.snapshot-interval} of engine time, or sooner
 * once {@code journal.snapshot-inputs} inputs were journaled since the last one, so that recovery restores the latest
 * one and replays only the inputs after it: at most that many, whatever the rate. Called by the input stage on the
 * engine thread just before an input is appended: the engine has handled every earlier input and not this one, so
 * the snapshot sits exactly at that input boundary in the journal. Time is the inputs' time, never a clock.
 * <p>
 * The snapshot is taken on the engine thread (the engine is single-threaded, and a copy would cost as much as the
 * encoding): the input that crosses the deadline waits for it (measured in docs/journal-format.md), and so do those
 * received meanwhile. The receive side is told ({@link PlannedPause}), so that it does not shed new calls for the lag
 * of a pause the engine gave itself (docs/overload.md). Engine thread only.
 */
public final class JournalSnapshotter
{
    /**
     * Largest part of a snapshot in one record: well under any Chronicle block size in use. Every part but the last
     * is this long (recovery puts part n at n times this).
     */
    static final int PART_BYTES = 1 << 20;
    /** The encoder's chunks (outside the heap, in huge pages where granted: {@link HugePageChunks}), four to a part. */
    static final int CHUNK_BYTES = PART_BYTES / 4;
    private static final long UNSET = Long.MIN_VALUE;
    private static final long BYTES_PER_TRANSACTION = 450;
    private static final long BYTES_PER_CALL = 2048;
    /**
     * At most one chunk (about a millisecond of the engine thread, its pages faulted in) per this much input time: a
     * node recovered with 300,000 transactions grows its 130 MB over a few seconds, at a fifth of the engine thread,
     * not in one stall; under a rising load it follows the state's growth (about 17 chunks a second at 3,000 calls/s).
     */
    static final long GROWTH_PERIOD_NS = 5_000_000;

    private final Engine engine;
    private final RecordSink sink;
    private final long intervalNs;
    /** Inputs after which a snapshot is due, whatever the time; 0: by time alone. */
    private final long maxInputs;
    private long inputsSinceSnapshot;
    /** Times each snapshot for the operator's log; null: not timed (replay, tests). Never decides anything. */
    private final NanoClock nanoClock;
    private final PlannedPause pause;
    private final SnapshotWriter writer = SnapshotWriter.offHeap(CHUNK_BYTES, new HugePageChunks());
    private long nextSnapshotNs = UNSET;
    private long lastGrowthNs = UNSET;
    private long snapshots;
    private long failures;
    /** The wall-clock time of engine time {@link #anchorTimeNs}, journaled at node-start or recovery; 0: none. */
    private long anchorWallClockMs;
    private long anchorTimeNs;

    /** {@code intervalNs} 0 or less: never. By time alone. */
    public JournalSnapshotter(final Engine engine, final RecordSink sink, final long intervalNs)
    {
        this(engine, sink, intervalNs, 0, null, PlannedPause.NONE);
    }

    /**
     * The node's: every {@code intervalNs} (0 or less: never, whatever {@code maxInputs}) or after {@code maxInputs}
     * inputs (0: no such bound), with {@code nanoClock} to log how long each snapshot held the engine thread, and each
     * snapshot told to {@code pause} (the receive threads' admission control: the snapshot's lag is no overload).
     */
    public JournalSnapshotter(final Engine engine, final RecordSink sink, final long intervalNs, final long maxInputs,
        final NanoClock nanoClock, final PlannedPause pause)
    {
        this.engine = engine;
        this.sink = sink;
        this.intervalNs = intervalNs;
        this.maxInputs = maxInputs;
        this.nanoClock = nanoClock;
        this.pause = pause;
    }

    /** An input of time {@code timeNs} is about to be appended; takes a snapshot first when one is due. */
    public void beforeInput(final long timeNs)
    {
        if (intervalNs <= 0)
        {
            return;
        }
        inputsSinceSnapshot++;
        if (nextSnapshotNs == UNSET)
        {
            nextSnapshotNs = timeNs + intervalNs;
        }
        else if (timeNs >= nextSnapshotNs || (maxInputs > 0 && inputsSinceSnapshot > maxInputs))
        {
            // Before this input: the snapshot holds the inputs journaled so far (at most maxInputs since the last).
            nextSnapshotNs = timeNs + intervalNs;
            inputsSinceSnapshot = 1;
            write();
        }
        else if (lastGrowthNs == UNSET || timeNs - lastGrowthNs >= GROWTH_PERIOD_NS)
        {
            grow(timeNs);
        }
    }

    private void grow(final long timeNs)
    {
        try
        {
            if (writer.growToward(expectedBytes()))
            {
                lastGrowthNs = timeNs;
            }
        }
        catch (final OutOfMemoryError ex)
        {
            // No direct memory left for a chunk: the input goes on; the next try is a period later, and the snapshot
            // takes what it lacks itself (or fails, counted, as below).
            lastGrowthNs = timeNs;
        }
    }

    /**
     * About what the next snapshot will take, with a quarter more: 450 bytes per transaction (a waiting one's key,
     * headers and last response), 2 KB per call (its legs and their dialogs). Measured on 2026-12-05: 127 MB for
     * 286,668 transactions; 18 MB for 10,000 established calls.
     */
    private long expectedBytes()
    {
        return (BYTES_PER_TRANSACTION * engine.transactions() + BYTES_PER_CALL * engine.activeCalls()) * 5 / 4;
    }

    /**
     * Appends a snapshot of the engine now, in parts. A failure (disk full) is counted and the node goes on: the
     * inputs are still journaled, so recovery falls back on the previous snapshot and replays more.
     */
    public void write()
    {
        // How long the engine thread stands still for it, for the operator's log only. At 3,000 calls/s the state is
        // mostly the transactions waiting 64*T1 and this took seconds (docs/journal-format.md "Snapshots").
        final long startNs = nanoClock == null ? 0 : nanoClock.nanoTime();
        pause.pauseBegins();
        try
        {
            writer.reset();
            EngineSnapshot.write(engine, writer);
            final long encodedNs = nanoClock == null ? 0 : nanoClock.nanoTime();
            final int length = writer.length();
            final int parts = Math.max(1, (length + PART_BYTES - 1) / PART_BYTES);
            final long timeNs = engine.nowNs();
            // Recovery from this snapshot builds its engine with the configuration in force (identifier key
            // included), found just before the parts (SnapshotFinder): so a journal whose node-start retention
            // deleted still recovers, replays and rebuilds its digests from here.
            JournalEncoder.config(sink.begin(), timeNs, wallClockMs(timeNs), RecordType.CONFIG_IN_FORCE,
                engine.config());
            sink.commit();
            sink.snapshotStarted();
            for (int part = 0; part < parts; part++)
            {
                final int offset = part * PART_BYTES;
                final int partLength = Math.min(PART_BYTES, length - offset);
                final Bytes<?> out = sink.begin();
                JournalEncoder.snapshotPart(out, timeNs, part, parts, length, partLength);
                writer.forEachSlice(offset, partLength, (buffer, from, n) -> JournalEncoder.bytes(out, buffer, from, n));
                sink.commit();
            }
            sink.snapshotCommitted();
            snapshots++;
            if (nanoClock != null)
            {
                // Encoding and appending apart: the first snapshot of a run is the slowest, and its 130 MB are fresh
                // memory twice over (the writer's chunks, the queue's pages).
                final long endNs = nanoClock.nanoTime();
                System.getLogger(JournalSnapshotter.class.getName()).log(System.Logger.Level.INFO,
                    "journal: snapshot of " + length + " bytes (" + engine.activeCalls() + " calls, " +
                    engine.transactions() + " transactions) took the engine thread " + (endNs - startNs) / 1_000_000 +
                    " ms (encoding " + (encodedNs - startNs) / 1_000_000 + " ms, appending " +
                    (endNs - encodedNs) / 1_000_000 + " ms)");
            }
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            // A full disk, or no direct memory for the writer's chunks: the engine goes on without this snapshot.
            sink.abort();
            failures++;
        }
        finally
        {
            pause.pauseEnds();
        }
    }

    /**
     * The (engine time, wall clock) pair of the node-start or recovered record the node wrote: each snapshot's
     * configuration record then carries the wall-clock time of its engine time, so that the tools still tell the
     * time of a journal whose node-start retention deleted. Journaled values, not a clock read on the engine thread.
     */
    public void wallClockAnchor(final long timeNs, final long wallClockMs)
    {
        anchorTimeNs = timeNs;
        anchorWallClockMs = wallClockMs;
    }

    private long wallClockMs(final long timeNs)
    {
        return anchorWallClockMs == 0 ? 0 : anchorWallClockMs + Math.floorDiv(timeNs - anchorTimeNs, 1_000_000L);
    }

    /** What the writer's chunks hold now, written or not: grown ahead of the next snapshot. */
    long reservedBytes()
    {
        return writer.capacity();
    }

    public long snapshots()
    {
        return snapshots;
    }

    public long failures()
    {
        return failures;
    }
}
