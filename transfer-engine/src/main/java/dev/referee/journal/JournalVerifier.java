package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.config.EngineConfig;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Replays a journal on a fresh engine (recorded configuration and identifier key) and checks that it produces
 * exactly the recorded outputs and domain events, each stream in order. The replay's outputs and events are encoded
 * with the journal's own encoder, so each check is a byte comparison with the recorded record; a recorded
 * output-digest is compared with the digest of the replayed message, which then fills in the record's message.
 * <p>
 * A {@code recovered} record marks a crash: what the replay produced before it and the crashed node never recorded
 * (inputs journaled but not yet acted on, outputs not yet handed to the send stage) is dropped there, because the
 * recovered node replayed those inputs with outputs suppressed too. Outputs and events the replay produces after
 * the journal's last record are reported as {@link Result#unrecordedAtEnd}, not as a divergence: a node stopped
 * or still running has inputs it has journaled and not yet handled. A recorded engine snapshot is compared with a
 * snapshot of the replay's engine at the same point: replay from the start checks the snapshots recovery would use.
 * <p>
 * A journal whose node-start is gone (retention deleted its first cycles) replays from its first complete snapshot,
 * restored into an engine built with the configuration in force written just before it (identifier key included);
 * what came before it is not checked ({@link Result#notChecked}).
 */
public final class JournalVerifier
{
    /**
     * Outcome; {@code divergence} is null when the journal replayed exactly. {@code startIndex}: -1 when the replay
     * started at node-start, else the index of the snapshot's configuration record it started from, and
     * {@code notChecked} records (that snapshot's included) came before the replay began.
     */
    public record Result(long records, long inputs, long outputs, long events, long droppedAtRecovery,
        long unrecordedAtEnd, String divergence, long startIndex, long notChecked)
    {
        public boolean ok()
        {
            return divergence == null;
        }

        public boolean fromSnapshot()
        {
            return startIndex >= 0;
        }
    }

    /** Where a replay without node-start begins: a snapshot, the configuration in force at it, records read to it. */
    private record Start(EngineConfig config, byte[] snapshot, long configIndex, long recordsRead)
    {
    }

    /** Sees each record as the replay goes, with a flag saying whether it matched (inputs always do). */
    @FunctionalInterface
    public interface Listener
    {
        Listener NONE = (record, matched) ->
        {
        };

        void onRecord(JournalRecord record, boolean matched);

        /** The replay's engine exists and has handled nothing yet (to listen to its state machines, say). */
        default void onEngine(final Engine engine)
        {
        }

        /** After the engine has handled {@code input}: its state may be read here (the replay's own thread). */
        default void afterInput(final JournalRecord input, final Engine engine)
        {
        }
    }

    private JournalVerifier()
    {
    }

    public static Result verify(final JournalReader reader)
    {
        return verify(reader, Listener.NONE);
    }

    /**
     * Replays what {@code reader} reads from where it stands: from node-start when that is its first record, else
     * from the first complete snapshot it meets with its configuration in force (a journal whose first cycles
     * retention deleted; a reader put at a snapshot, to rebuild one call's messages without replaying all before).
     */
    public static Result verify(final JournalReader reader, final Listener listener)
    {
        final JournalRecord first = reader.next();
        if (first == null)
        {
            return new Result(0, 0, 0, 0, 0, 0, "empty journal", -1, 0);
        }

        final MemorySink outputs = new MemorySink();
        final MemorySink events = new MemorySink();
        // Outputs are encoded by the node's own JournalSender, so replayed and recorded bytes come from one encoder.
        final JournalSender journaled = new JournalSender(
            (transport, destination, connectionId, buffer, offset, length) -> true, outputs);
        final Engine engine;
        final long startIndex;
        final long notChecked;
        if (first.type == RecordType.NODE_START)
        {
            listener.onRecord(first, true);
            engine = new Engine(first.config, journaled, new EngineCounters(), new JournalEvents(events));
            startIndex = -1;
            notChecked = 0;
        }
        else
        {
            final Start start = firstSnapshot(first, reader);
            if (start == null)
            {
                return new Result(0, 0, 0, 0, 0, 0, "record " + first.index + ": the journal starts with " +
                    first.typeName() + ", not node-start, and holds no complete snapshot with its configuration " +
                    "to start from", -1, 0);
            }
            engine = new Engine(start.config(), journaled, new EngineCounters(), new JournalEvents(events));
            EngineSnapshot.restore(engine, start.snapshot());
            startIndex = start.configIndex();
            notChecked = start.recordsRead();
        }
        listener.onEngine(engine);
        final InputReplayer replayer = new InputReplayer(engine);

        long records = startIndex < 0 ? 1 : 0;
        long outputCount = 0;
        long eventCount = 0;
        long dropped = 0;
        final SnapshotAssembler snapshots = new SnapshotAssembler();
        JournalRecord record;
        while ((record = reader.next()) != null)
        {
            records++;
            if (record.isInput())
            {
                journaled.inputTimeNs(record.timeNs);
                replayer.apply(record);
                listener.onRecord(record, true);
                listener.afterInput(record, engine);
            }
            else if (record.isOutput() || record.isEvent())
            {
                final ArrayDeque<byte[]> expected = record.isOutput() ? outputs.records() : events.records();
                final byte[] produced = expected.poll();
                final boolean matched = record.type == RecordType.OUTPUT_DIGEST ?
                    matchesDigest(record, produced) : produced != null && Arrays.equals(produced, record.raw);
                listener.onRecord(record, matched);
                if (!matched)
                {
                    return new Result(records, replayer.inputs(), outputCount, eventCount, dropped, 0,
                        divergence(record, produced), startIndex, notChecked);
                }
                if (record.isOutput())
                {
                    outputCount++;
                }
                else
                {
                    eventCount++;
                }
            }
            else if (record.type == RecordType.SNAPSHOT)
            {
                // The recorded snapshot must be the state the replay has reached at the same input boundary.
                final byte[] snapshot = snapshots.add(record);
                final boolean matched = snapshot == null || Arrays.equals(snapshot,
                    EngineSnapshot.take(engine, EngineSnapshot.versionOf(snapshot)));
                listener.onRecord(record, matched);
                if (!matched)
                {
                    return new Result(records, replayer.inputs(), outputCount, eventCount, dropped, 0,
                        "first divergence at record " + record.index + " (snapshot): the recorded engine " +
                        "snapshot differs from the replayed engine's state", startIndex, notChecked);
                }
            }
            else
            {
                if (record.type == RecordType.RECOVERED)
                {
                    dropped += outputs.records().size() + events.records().size();
                    outputs.records().clear();
                    events.records().clear();
                }
                listener.onRecord(record, true);
            }
        }
        return new Result(records, replayer.inputs(), outputCount, eventCount, dropped,
            outputs.records().size() + events.records().size(), null, startIndex, notChecked);
    }

    /**
     * Reads on from {@code first} to the end of the first complete snapshot whose configuration in force precedes
     * it (the snapshotter writes the two back to back); null when the journal has none.
     */
    private static Start firstSnapshot(final JournalRecord first, final JournalReader reader)
    {
        final SnapshotAssembler parts = new SnapshotAssembler();
        JournalRecord config = null;
        long read = 0;
        for (JournalRecord record = first; record != null; record = reader.next())
        {
            read++;
            if (record.type == RecordType.CONFIG && record.configPurpose == RecordType.CONFIG_IN_FORCE)
            {
                config = record;
            }
            else if (record.type == RecordType.SNAPSHOT)
            {
                final byte[] whole = parts.add(record);
                if (whole != null && config != null && config.timeNs == record.timeNs)
                {
                    return new Start(config.config, whole, config.index, read);
                }
            }
        }
        return null;
    }

    /**
     * Whether the replay's whole output record {@code produced} is the message {@code digest} recorded; if so, the
     * rebuilt message goes into {@code digest.message} (for listeners that need the bytes, `journal pcap`).
     */
    private static boolean matchesDigest(final JournalRecord digest, final byte[] produced)
    {
        if (produced == null)
        {
            return false;
        }
        final JournalRecord whole = JournalDecoder.decode(produced);
        if (!Arrays.equals(JournalEncoder.outputDigestOf(whole), digest.raw))
        {
            return false;
        }
        digest.message = whole.message;
        return true;
    }

    private static String divergence(final JournalRecord recorded, final byte[] produced)
    {
        return "first divergence at record " + recorded.index + " (" + recorded.typeName() + ")\n  recorded: " +
            JournalFormatter.describe(recorded) + "\n  replayed: " +
            (produced == null ? "nothing (the replay produced no such record)" :
            JournalFormatter.describe(JournalDecoder.decode(produced)));
    }
}
