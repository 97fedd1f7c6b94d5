package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.counters.EngineCounters;

import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Brings a node's engine to where its journal left it, and nothing more: the node's assembly (ops) opens the journal,
 * wires the engine's sender and events through a {@link RecoveryGate}, and hooks the journal into the pipeline.
 * On an empty journal it builds the engine from the configuration given and records node-start (format version,
 * identifier key, engine configuration). On an existing one it rebuilds the engine from the recorded configuration
 * and key, restoring the latest snapshot and replaying the inputs after it (every input when there is no snapshot)
 * while the gate is still closed, then records {@code recovered}. Either way it returns the engine, what it
 * recovered and the offset that puts live input times on the journal's time line ({@link #timeOffsetNs()}); the
 * caller opens the gate once the pipeline is wired.
 * <p>
 * Starting thread only, before the pipeline starts.
 */
public final class JournalRecovery
{
    /** Engine time moves on by this much past the last recorded input when a node comes back. */
    static final long RESTART_GAP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Engine engine;
    private final boolean recovered;
    private final long inputsReplayed;
    private final long recoveryNs;
    private final long timeOffsetNs;
    private final String configWarning;
    private final long anchorTimeNs;
    private final long anchorWallClockMs;

    private JournalRecovery(final Engine engine, final boolean recovered, final long inputsReplayed,
        final long recoveryNs, final long timeOffsetNs, final String configWarning, final long anchorTimeNs,
        final long anchorWallClockMs)
    {
        this.anchorTimeNs = anchorTimeNs;
        this.anchorWallClockMs = anchorWallClockMs;
        this.engine = engine;
        this.recovered = recovered;
        this.inputsReplayed = inputsReplayed;
        this.recoveryNs = recoveryNs;
        this.timeOffsetNs = timeOffsetNs;
        this.configWarning = configWarning;
    }

    /**
     * @param journal    the node's journal, open for writing; node-start or recovered is appended to it.
     * @param current    the engine configuration from the node's configuration file, with the identifier key to use
     *                   when the journal is new (the recorded key, or a version 1 journal's seed, wins otherwise;
     *                   the caller draws it from a secure random source).
     * @param gate       the engine's sender, events and webhooks; closed during replay, opened by the caller.
     * @param nanoClock  the receive threads' clock: live engine time continues from the journal's on it.
     * @param epochClock wall-clock time stamped on node-start and recovered records, for people reading them.
     */
    public static JournalRecovery recover(final Journal journal, final EngineConfig current, final RecoveryGate gate,
        final EngineCounters counters, final NanoClock nanoClock, final EpochClock epochClock) throws IOException
    {
        final long startNs = nanoClock.nanoTime();
        final ChronicleSink control = journal.newSink();
        try (JournalReader reader = journal.newReader())
        {
            final JournalRecord first = reader.next();
            if (first == null)
            {
                final Engine engine = new Engine(current, gate, counters, gate, gate);
                final long wallClockMs = epochClock.time();
                JournalEncoder.nodeStart(control.begin(), startNs, wallClockMs, current);
                control.commit();
                return new JournalRecovery(engine, false, 0, 0, 0, null, startNs, wallClockMs);
            }
            final Rebuilt rebuilt;
            try
            {
                rebuilt = rebuild(first.type == RecordType.NODE_START ? first : null, journal, gate, counters);
            }
            catch (final NothingToStartFrom ex)
            {
                throw new IOException(ex.getMessage(), ex);
            }
            final InputReplayer replayer = rebuilt.replayer();
            final long lastTimeNs = replayer.lastTimeNs() != Long.MIN_VALUE ? replayer.lastTimeNs() :
                rebuilt.snapshotTimeNs() != Long.MIN_VALUE ? rebuilt.snapshotTimeNs() : first.timeNs;
            final long nowNs = nanoClock.nanoTime();
            final long offsetNs = lastTimeNs + RESTART_GAP_NS - nowNs;
            final long recoveryNs = nowNs - startNs;
            final long wallClockMs = epochClock.time();
            JournalEncoder.recovered(
                control.begin(), nowNs + offsetNs, wallClockMs, replayer.inputs(), recoveryNs);
            control.commit();
            return new JournalRecovery(rebuilt.engine(), true, replayer.inputs(), recoveryNs, offsetNs,
                sameConfig(rebuilt.engine().config(), current) ? null : "the configuration differs from the one this " +
                "journal was started with; the journal's is used: `referee reload` applies the file's routes, trunks, " +
                "policies and limits (move the journal aside to change listen addresses, SIP timers or User-Agent)",
                nowNs + offsetNs, wallClockMs);
        }
    }

    /**
     * An engine rebuilt from a journal, and what replaying it took; {@code snapshotTimeNs} is the engine time of the
     * snapshot it started from ({@link Long#MIN_VALUE}: none, every input was replayed).
     */
    public record Rebuilt(Engine engine, InputReplayer replayer, long snapshotTimeNs)
    {
    }

    /**
     * Brings an engine to the state after the journal's last input: from the latest complete snapshot and the inputs
     * after it when there is one, built with the configuration in force at that snapshot (identifier key included;
     * snapshots of builds before 2026-12-07 evening carry it only after a reload, else node-start's is used); else from
     * {@code nodeStart} and every input (a journal younger than one snapshot interval, or of an older version).
     *
     * @param nodeStart the journal's first record, or null when it is not node-start (retention deleted it): the
     *                  journal must then hold a snapshot with its configuration.
     * @throws NothingToStartFrom when neither node-start nor such a snapshot is there to start from.
     */
    public static Rebuilt rebuild(final JournalRecord nodeStart, final Journal journal, final RecoveryGate gate,
        final EngineCounters counters)
    {
        final SnapshotFinder.Found snapshot = SnapshotFinder.latest(journal);
        final EngineConfig config = snapshot == null ? null :
            snapshot.config() != null ? snapshot.config() : nodeStart == null ? null : nodeStart.config;
        if (config == null)
        {
            if (nodeStart == null)
            {
                throw new NothingToStartFrom("journal " + journal.dir() + " starts with neither node-start nor a " +
                    "snapshot with its configuration (files deleted by hand, or by the retention of a build before " +
                    "2026-12-07 evening?): move it aside to start afresh");
            }
            try (JournalReader reader = journal.newReader())
            {
                reader.next();
                return rebuild(nodeStart, reader, gate, counters);
            }
        }
        final Engine engine = new Engine(config, gate, counters, gate, gate);
        EngineSnapshot.restore(engine, snapshot.snapshot());
        final InputReplayer replayer = new InputReplayer(engine);
        try (JournalReader reader = journal.newReaderAfter(snapshot.lastIndex()))
        {
            JournalRecord record;
            while ((record = reader.next(RecordType::isInput)) != null)
            {
                replayer.apply(record);
            }
        }
        return new Rebuilt(engine, replayer, snapshot.timeNs());
    }

    /**
     * Builds an engine from {@code nodeStart}'s configuration (identifier key or seed included) and replays every
     * input {@code reader} has after it. {@code gate} must not be live yet: the outputs and events of the replay go
     * nowhere.
     */
    public static Rebuilt rebuild(final JournalRecord nodeStart, final JournalReader reader, final RecoveryGate gate,
        final EngineCounters counters)
    {
        final Engine engine = new Engine(nodeStart.config, gate, counters, gate, gate);
        final InputReplayer replayer = new InputReplayer(engine);
        JournalRecord record;
        while ((record = reader.next(RecordType::isInput)) != null)
        {
            replayer.apply(record);
        }
        return new Rebuilt(engine, replayer, Long.MIN_VALUE);
    }

    /** A journal holds neither node-start nor a snapshot with its configuration: recovery cannot begin. */
    public static final class NothingToStartFrom extends IllegalStateException
    {
        private static final long serialVersionUID = 1L;

        NothingToStartFrom(final String message)
        {
            super(message);
        }
    }

    /** Same engine configuration apart from the identifier key or seed (regexes compared by their text). */
    static boolean sameConfig(final EngineConfig a, final EngineConfig b)
    {
        if (a.routes().size() != b.routes().size())
        {
            return false;
        }
        for (int i = 0; i < a.routes().size(); i++)
        {
            final Route ra = a.routes().get(i);
            final Route rb = b.routes().get(i);
            if (!ra.user().pattern().equals(rb.user().pattern()) || !ra.targets().equals(rb.targets()) ||
                ra.keepaliveMs() != rb.keepaliveMs() || !java.util.Objects.equals(ra.name(), rb.name()))
            {
                return false;
            }
        }
        return a.listen().equals(b.listen()) && a.transfer().equals(b.transfer()) &&
            a.redirect().equals(b.redirect()) && a.webhook().equals(b.webhook()) &&
            a.trunks().toString().equals(b.trunks().toString()) && a.t1Ns() == b.t1Ns() && a.t2Ns() == b.t2Ns() &&
            a.t4Ns() == b.t4Ns() && a.maxCalls() == b.maxCalls() && a.userAgent().equals(b.userAgent()) &&
            a.maxTransactions() == b.maxTransactions() && a.sessionExpiresS() == b.sessionExpiresS() &&
            a.minSeS() == b.minSeS() && a.media().equals(b.media()) && sameAuth(a, b);
    }

    /** The trunks' {@code auth}, HA1 values included (their toString, compared above, hides those). */
    private static boolean sameAuth(final EngineConfig a, final EngineConfig b)
    {
        for (int i = 0; i < a.trunks().size(); i++)
        {
            if (!java.util.Objects.equals(a.trunks().get(i).auth(), b.trunks().get(i).auth()))
            {
                return false;
            }
        }
        return true;
    }

    public Engine engine()
    {
        return engine;
    }

    /** True when the journal existed and was replayed. */
    public boolean recovered()
    {
        return recovered;
    }

    public long inputsReplayed()
    {
        return inputsReplayed;
    }

    public long recoveryNs()
    {
        return recoveryNs;
    }

    /**
     * What the journal's input stage adds to each live input's receive time: a new process has a new
     * {@link System#nanoTime()} origin and engine time must not go back (0 on a new journal).
     */
    public long timeOffsetNs()
    {
        return timeOffsetNs;
    }

    /** Engine time of the node-start or recovered record this recovery wrote. */
    public long anchorTimeNs()
    {
        return anchorTimeNs;
    }

    /** Wall-clock time (ms) of that record: with {@link #anchorTimeNs()}, for the snapshots' configuration records. */
    public long anchorWallClockMs()
    {
        return anchorWallClockMs;
    }

    /** Null, or why the recorded configuration was used instead of the one given. */
    public String configWarning()
    {
        return configWarning;
    }
}
