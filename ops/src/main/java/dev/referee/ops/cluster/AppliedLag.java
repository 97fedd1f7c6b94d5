package dev.referee.ops.cluster;

import dev.referee.ring.EngineProgress;

import java.util.concurrent.TimeUnit;

/**
 * How late the replicated engine is, as the leader's receive side sees it: the overload signal of a member that
 * leads (docs/overload.md, docs/failover.md). The leader's pipeline only offers its inputs to the log; the engine
 * applies them once they are committed, so the pipeline's own ring never shows a backlog, while a slow or stalled log
 * leaves new calls waiting. Each input the leader offers carries its receive time ({@link System#nanoTime()} on the
 * receive thread, before the service restamps it with the log's time); the lag is the age of the last one applied.
 * Ticks go in every {@code pipeline.tick-ms}, so with nothing queued it stays within a tick and a commit; a backlog or
 * a log that does not move makes it grow, and the receive side sheds new calls past {@code overload.max-lag}.
 * <p>
 * Only inputs of this member's own cluster session count: another session's receive times come from another
 * process's clock. Written on the clustered-service thread, read on the receive threads.
 */
public final class AppliedLag implements EngineProgress.DownstreamLag
{
    /** A receive time this far from now is another clock's, not a lag: counted as none. */
    static final long IMPLAUSIBLE_NS = TimeUnit.MINUTES.toNanos(10);
    private static final long NO_SESSION = Long.MIN_VALUE;
    private static final long NO_PAUSE = Long.MIN_VALUE;

    private volatile long sessionId = NO_SESSION;
    private volatile long lastReceivedNs;
    private volatile boolean paused;
    private volatile long pauseEndedNs = NO_PAUSE;

    /**
     * This member takes up the lead with cluster session {@code ownSessionId} at {@code nowNs}: the lag counts from
     * now until an input of that session is applied (a log that never commits them shows as a growing lag).
     */
    public void lead(final long ownSessionId, final long nowNs)
    {
        lastReceivedNs = nowNs;
        sessionId = ownSessionId;
    }

    /** This member no longer leads: no lag to report. */
    public void follow()
    {
        sessionId = NO_SESSION;
    }

    /** Service thread: an input of cluster session {@code fromSessionId}, received at {@code receivedNs}, applied. */
    void applied(final long fromSessionId, final long receivedNs)
    {
        if (fromSessionId == sessionId && receivedNs - lastReceivedNs > 0)
        {
            lastReceivedNs = receivedNs;
        }
    }

    /** Service thread: the engine stops applying inputs for a snapshot (a planned pause, docs/overload.md). */
    void pauseBegins()
    {
        paused = true;
    }

    /** Service thread: the snapshot is taken, at {@code nowNs}; the inputs received before then waited for it. */
    void pauseEnds(final long nowNs)
    {
        pauseEndedNs = nowNs; // before paused is cleared: a reader seeing the end sees this
        paused = false;
    }

    /**
     * True while leading and in a snapshot, or until an input this member received after the snapshot's end is
     * applied: the lag until then is the pause's, not a log or engine short of capacity.
     */
    @Override
    public boolean catchingUpWithPause()
    {
        if (sessionId == NO_SESSION)
        {
            return false;
        }
        if (paused)
        {
            return true;
        }
        final long endedNs = pauseEndedNs;
        return endedNs != NO_PAUSE && lastReceivedNs - endedNs < 0;
    }

    @Override
    public long lagNs(final long nowNs)
    {
        if (sessionId == NO_SESSION)
        {
            return 0;
        }
        final long lagNs = nowNs - lastReceivedNs;
        return lagNs < 0 || lagNs > IMPLAUSIBLE_NS ? 0 : lagNs;
    }
}
