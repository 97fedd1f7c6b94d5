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
 */
public record JournalConfig(JournalRoll roll, int retainCycles, long snapshotIntervalMs, boolean enabled)
{
    /** An enabled journal: the form code written before {@code journal.enabled} existed uses. */
    public JournalConfig(final JournalRoll roll, final int retainCycles, final long snapshotIntervalMs)
    {
        this(roll, retainCycles, snapshotIntervalMs, true);
    }

    public static JournalConfig defaults()
    {
        return new JournalConfig(JournalRoll.DAILY, 7, 60_000, true);
    }

    /** The {@code journal} section apart from {@code dir}, which the node reads (it owns where files go). */
    public static JournalConfig read(final ConfigSection section) throws ConfigException
    {
        section.allowOnly("dir", "roll", "retain", "snapshot-interval", "enabled");
        final JournalConfig defaults = defaults();
        return new JournalConfig(
            section.choice("roll", JournalRoll.class, defaults.roll()),
            section.integer("retain", defaults.retainCycles(), 1, 100_000),
            section.durationMs("snapshot-interval", defaults.snapshotIntervalMs(), Durations.ONE_DAY_MS),
            section.bool("enabled", defaults.enabled()));
    }
}
