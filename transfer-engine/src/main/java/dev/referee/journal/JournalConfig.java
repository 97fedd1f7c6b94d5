package dev.referee.journal;

import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.Durations;

/**
 * @param roll               {@code journal.roll}.
 * @param retainCycles       {@code journal.retain}: roll cycles kept; older files may be deleted.
 * @param snapshotIntervalMs {@code journal.snapshot-interval}: engine state snapshot period, bounds restart time.
 * @param enabled            {@code journal.enabled}: false runs without a journal (no recovery, no replay
 *                           tools); meant for measuring what journaling costs.
 * @param snapshotInputs     {@code journal.snapshot-inputs}: a snapshot is also taken once this many inputs were
 *                           journaled since the last one (0: by time alone), so that what a restart replays, and so
 *                           its time, stays bounded at any rate.
 * @param outputs            {@code journal.outputs}: each message sent whole, or as a digest ({@link OutputRecords}).
 */
public record JournalConfig(JournalRoll roll, int retainCycles, long snapshotIntervalMs, boolean enabled,
    long snapshotInputs, OutputRecords outputs)
{
    /**
     * Inputs between snapshots at most, by default. A restart from a snapshot replays about 60,000 inputs a second on
     * two cores beside its warm-up (2026-12-07, waiting transactions as rows: 293,526 in 5.2 s, first answer 7.4-7.9 s;
     * 582,236 in 6.7-7.4 s, first answer 9.9-10.4 s). At 3,000 calls/s (about 17,500 inputs a second) this is a
     * snapshot every 17 s instead of 60 s, each holding the engine thread 90-250 ms since the waiting transactions are
     * rows (600,000 before, when a snapshot held it 0.4-1.1 s).
     */
    public static final long DEFAULT_SNAPSHOT_INPUTS = 300_000;

    /**
     * Digests by default (builds of 2026-12-07 evening on): a third less of the journal's bytes at 3,000 calls/s,
     * and about 5 % of the node's CPU (its pre-touching thread's; docs/benchmarks.md "Outputs as digests").
     * `journal pcap` rebuilds a call's messages by replaying from the latest snapshot before the call, whose
     * configuration record is in the journal even once `journal.retain` deleted node-start. {@code full} keeps every
     * byte, for tools outside Referee that read the journal's outputs.
     */
    public static final OutputRecords DEFAULT_OUTPUTS = OutputRecords.DIGEST;

    /** With the default {@link #DEFAULT_OUTPUTS}. */
    public JournalConfig(final JournalRoll roll, final int retainCycles, final long snapshotIntervalMs,
        final boolean enabled, final long snapshotInputs)
    {
        this(roll, retainCycles, snapshotIntervalMs, enabled, snapshotInputs, DEFAULT_OUTPUTS);
    }

    /** An enabled journal: the form code written before {@code journal.enabled} existed uses. */
    public JournalConfig(final JournalRoll roll, final int retainCycles, final long snapshotIntervalMs)
    {
        this(roll, retainCycles, snapshotIntervalMs, true);
    }

    /** With the default {@link #DEFAULT_SNAPSHOT_INPUTS}. */
    public JournalConfig(final JournalRoll roll, final int retainCycles, final long snapshotIntervalMs,
        final boolean enabled)
    {
        this(roll, retainCycles, snapshotIntervalMs, enabled, DEFAULT_SNAPSHOT_INPUTS);
    }

    public static JournalConfig defaults()
    {
        return new JournalConfig(JournalRoll.DAILY, 7, 60_000, true, DEFAULT_SNAPSHOT_INPUTS, DEFAULT_OUTPUTS);
    }

    /** The {@code journal} section apart from {@code dir}, which the node reads (it owns where files go). */
    public static JournalConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("dir", "roll", "retain", "snapshot-interval", "snapshot-inputs", "enabled", "outputs");
        final JournalConfig defaults = defaults();
        return new JournalConfig(
            section.choice("roll", JournalRoll.class, defaults.roll()),
            section.integer("retain", defaults.retainCycles(), 1, 100_000),
            section.durationMs("snapshot-interval", defaults.snapshotIntervalMs(), Durations.ONE_DAY_MS),
            section.bool("enabled", defaults.enabled()),
            section.integer("snapshot-inputs", (int)defaults.snapshotInputs(), 0, 1_000_000_000),
            section.choice("outputs", OutputRecords.class, defaults.outputs()));
    }
}
