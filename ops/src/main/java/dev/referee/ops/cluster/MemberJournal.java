package dev.referee.ops.cluster;

import dev.referee.engine.Engine;
import dev.referee.engine.events.EngineEvents;
import dev.referee.journal.ChronicleSink;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalDecoder;
import dev.referee.journal.JournalEncoder;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalSnapshotter;
import dev.referee.journal.OutputRecords;
import dev.referee.journal.RecordType;
import dev.referee.journal.SnapshotFinder;
import dev.referee.ops.metrics.JournalAppends;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A member's own Chronicle journal (issue 9, docs/failover.md), in the single node's format, so that the ops tools
 * ({@code referee journal ...}) work on any member: every log message the {@link ReplicatedEngine} applies, as the
 * input record it is, with the engine time it was applied at; every message the engine made, as an output record
 * whole or as a digest ({@code journal.outputs}; a follower's too, though only the leader sends: a follower's journal
 * replays to the leader's outputs); the engine's
 * domain events; and a journal snapshot at each of the cluster's snapshots.
 * <p>
 * A restarted member replays the log from its last cluster snapshot (or from the start), and part of that replay is
 * in its journal already: {@link #alreadyHolds} counts it from the journal snapshot written at that same cluster
 * snapshot, and the service appends nothing of those inputs again. Clustered-service thread only (open and close
 * aside).
 */
public final class MemberJournal implements AutoCloseable
{
    /** {@link #alreadyHolds}: the replay starts at the log's start, not at a snapshot. */
    public static final long FROM_THE_START = Long.MIN_VALUE;
    /** {@link #alreadyHolds}: where the replay meets the journal cannot be told. */
    public static final long UNKNOWN = -1;

    private final Journal journal;
    private final ChronicleSink sink;
    private final JournalEvents events;
    /** {@code journal.outputs}: each message the engine made kept whole or as a digest, as on a single node. */
    private final OutputRecords outputs;
    private JournalSnapshotter snapshotter;
    private long anchorTimeNs;
    private long anchorWallClockMs;
    private Engine snapshotterEngine;

    private MemberJournal(final Journal journal, final OutputRecords outputs)
    {
        this.journal = journal;
        this.outputs = outputs;
        this.sink = journal.newSink();
        this.events = new JournalEvents(sink);
    }

    /** Opens (creating when missing) the journal in {@code dir}. */
    public static MemberJournal open(final Path dir, final JournalConfig config) throws IOException
    {
        return new MemberJournal(Journal.openForWriting(dir, config), config.outputs());
    }

    /**
     * How many of the log messages replayed after a restart this journal holds already: those after the journal
     * snapshot of engine time {@code snapshotTimeNs} (the cluster snapshot the member restarted from), or every one
     * since the journal began when the replay starts at the log's start ({@link #FROM_THE_START}). {@link #UNKNOWN}
     * when the journal's last snapshot is another one (the member stopped between writing it and the cluster
     * recording it), or the journal has none to match.
     */
    public long alreadyHolds(final long snapshotTimeNs)
    {
        if (journal.isEmpty())
        {
            return 0;
        }
        if (snapshotTimeNs == FROM_THE_START)
        {
            try (JournalReader reader = journal.newReader())
            {
                return countFromTheLog(reader);
            }
        }
        final SnapshotFinder.Found latest = SnapshotFinder.latest(journal);
        if (latest == null || latest.timeNs() != snapshotTimeNs)
        {
            return UNKNOWN;
        }
        try (JournalReader reader = journal.newReaderAfter(latest.lastIndex()))
        {
            return countFromTheLog(reader);
        }
    }

    private static long countFromTheLog(final JournalReader reader)
    {
        long count = 0;
        for (JournalRecord record = reader.next(); record != null; record = reader.next())
        {
            count += fromTheLog(record) ? 1 : 0;
        }
        return count;
    }

    /** A record the service copies from the log: node-start, an input, a reload (not what it writes of its own). */
    static boolean fromTheLog(final JournalRecord record)
    {
        return switch (record.type)
        {
            case RecordType.NODE_START, RecordType.INPUT_SIP, RecordType.INPUT_TICK, RecordType.INPUT_WEBHOOK,
                RecordType.INPUT_TRANSPORT_FAILURE, RecordType.INPUT_MEDIA_IDLE, RecordType.INPUT_MEDIA_STATS,
                RecordType.INPUT_MEDIA_OPEN_FAILED -> true;
            case RecordType.CONFIG -> record.configPurpose == RecordType.CONFIG_RELOAD;
            default -> false;
        };
    }

    /** A log message as applied (its time already the engine's). */
    void input(final byte[] record)
    {
        sink.begin().write(record);
        sink.commit();
        if (record.length > 0 && record[0] == RecordType.NODE_START)
        {
            final JournalRecord nodeStart = JournalDecoder.decode(record);
            wallClockAnchor(nodeStart.timeNs, nodeStart.wallClockMs);
        }
    }

    /** The (engine time, wall clock) pair the snapshots' configuration records carry on (JournalSnapshotter). */
    private void wallClockAnchor(final long timeNs, final long wallClockMs)
    {
        anchorTimeNs = timeNs;
        anchorWallClockMs = wallClockMs;
        if (snapshotter != null)
        {
            snapshotter.wallClockAnchor(timeNs, wallClockMs);
        }
    }

    /** True when the journal holds no record (a member's first start). */
    boolean isEmpty()
    {
        return journal.isEmpty();
    }

    /**
     * A restart's mark, just before the first input appended after it: the messages and events of the inputs before
     * it that were not journaled when the member stopped (a kill -9 between an input and its outputs) were made again
     * by the replay and not journaled again; the ops tools drop them there, as after a single node's recovery.
     */
    void recovered(final long timeNs, final long inputsReplayed)
    {
        final long wallClockMs = System.currentTimeMillis();
        JournalEncoder.recovered(sink.begin(), timeNs, wallClockMs, inputsReplayed, 0);
        sink.commit();
        wallClockAnchor(timeNs, wallClockMs);
    }

    /** A message the engine made while applying the input of engine time {@code timeNs}. */
    void output(final long timeNs, final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        JournalEncoder.output(sink.begin(), outputs, timeNs, transport, destination, connectionId, buffer, offset,
            length);
        sink.commit();
    }

    /** Where the engine's domain events go in this journal (as in a single node's). */
    EngineEvents events()
    {
        return events;
    }

    /** A journal snapshot of {@code engine} now: the cluster takes one at this log position. */
    void snapshot(final Engine engine)
    {
        if (snapshotterEngine != engine)
        {
            snapshotter = new JournalSnapshotter(engine, sink, 0);
            snapshotter.wallClockAnchor(anchorTimeNs, anchorWallClockMs);
            snapshotterEngine = engine;
        }
        snapshotter.write();
    }

    /** What this journal appended (records, bytes): for /metrics. */
    public JournalAppends appends()
    {
        return new JournalAppends(sink::records, sink::bytes);
    }

    /** The journal's directory. */
    public Path dir()
    {
        return journal.dir();
    }

    @Override
    public void close()
    {
        sink.close();
        journal.close();
    }
}
