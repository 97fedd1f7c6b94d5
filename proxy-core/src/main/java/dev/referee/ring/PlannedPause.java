package dev.referee.ring;

/**
 * The engine thread stops taking inputs for work it gives itself, not for work it was offered: a journal snapshot
 * (docs/journal-format.md "Snapshots"). Told on the engine thread, before and after; what it tells is read by the
 * receive threads' admission control, never by the engine, so the engine's state stays a function of its inputs.
 */
public interface PlannedPause
{
    PlannedPause NONE = new PlannedPause()
    {
        @Override
        public void pauseBegins()
        {
        }

        @Override
        public void pauseEnds()
        {
        }
    };

    /** The engine thread stops taking inputs now. */
    void pauseBegins();

    /** The engine thread takes inputs again; those that came meanwhile wait for it. */
    void pauseEnds();
}
