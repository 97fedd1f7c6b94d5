package dev.referee.ring;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * How far behind the engine is, as a receive thread sees it when it judges the message in slot {@code sequence}:
 * the inputs ahead of it not yet handled (backlog) and how long ago the oldest of them was received (lag).
 * The engine's sequence moves at the end of each batch, so a long batch counts as waiting until it is done: that is
 * the delay its last message sees. Any thread.
 * <p>
 * Lag is the better overload signal (RFC 6357 §5): it says how late every answer is, whatever the mix of messages,
 * while a ring's fill depends on message sizes and rates. Both are read, so that neither a slow engine nor a burst
 * goes unnoticed.
 * <p>
 * A {@link PlannedPause} of the engine (a journal snapshot) makes the inputs that arrive during it, and those queued
 * behind them, old without the engine being short of capacity: {@link #catchingUpWithPause()} tells the receive
 * threads so, from the pause's start until the engine has handled every input published before its end.
 */
public final class EngineProgress implements PlannedPause
{
    private static final long NO_PAUSE = Long.MIN_VALUE;

    /**
     * How late an engine is that is not this ring's last stage: a cluster member's leader, whose ring only offers its
     * inputs to the replicated log, applied by the engine once committed (docs/failover.md). The age at
     * {@code nowNs} of the work the engine has not caught up with; 0 when none. Any thread.
     */
    @FunctionalInterface
    public interface DownstreamLag
    {
        DownstreamLag NONE = nowNs -> 0;

        long lagNs(long nowNs);

        /** As {@link EngineProgress#catchingUpWithPause()}, for that engine: its lag is a planned pause's. */
        default boolean catchingUpWithPause()
        {
            return false;
        }
    }

    private final RingBuffer<InboundEvent> ring;
    private volatile Sequence engineSequence;
    private volatile DownstreamLag downstream = DownstreamLag.NONE;
    private volatile PlannedPause pauseListener = PlannedPause.NONE;
    private final NanoClock clock;
    private volatile boolean paused;
    private long pauseBeganNs;
    /** Planned pauses ended, and their time in all (for operators: /status, /metrics); written by the engine thread. */
    private volatile long pauses;
    private volatile long pausedNs;
    /** The last input published when the last pause ended: until the engine has handled it, it catches up. */
    private volatile long pauseBacklogEnd = NO_PAUSE;

    public EngineProgress(final RingBuffer<InboundEvent> ring)
    {
        this(ring, SystemNanoClock.INSTANCE);
    }

    /** With {@code clock} timing the planned pauses for operators (never read by the engine). */
    public EngineProgress(final RingBuffer<InboundEvent> ring, final NanoClock clock)
    {
        this.ring = ring;
        this.clock = clock;
    }

    /** The engine stage's sequence, once the pipeline has built it. */
    public void engineSequence(final Sequence sequence)
    {
        engineSequence = sequence;
    }

    /** The engine's own lag, past this ring (see {@link DownstreamLag}); counted in {@link #lagNsBefore}. */
    public void downstream(final DownstreamLag lag)
    {
        downstream = lag;
    }

    /**
     * Who else is told of the engine's planned pauses, on the engine thread: the receive thread of a pipeline whose
     * engine reads the UDP sockets itself, which reads them during a pause. Before the engine starts.
     */
    public void pauseListener(final PlannedPause listener)
    {
        pauseListener = listener;
    }

    /** Engine thread: a planned pause begins (before the snapshot is taken). */
    @Override
    public void pauseBegins()
    {
        pauseBeganNs = clock.nanoTime();
        paused = true;
        pauseListener.pauseBegins();
    }

    /** Engine thread: the planned pause ended; the inputs published so far waited for it. */
    @Override
    public void pauseEnds()
    {
        pauseListener.pauseEnds(); // first: what it published during the pause belongs to the pause's backlog
        pauseBacklogEnd = ring.getCursor(); // written before paused is cleared: a reader seeing the end sees this
        paused = false;
        pausedNs = pausedNs + (clock.nanoTime() - pauseBeganNs); // one writer: the engine thread
        pauses = pauses + 1;
    }

    /** Planned pauses of the engine (journal snapshots) ended so far. */
    public long pauses()
    {
        return pauses;
    }

    /** Their time in all, in nanoseconds. */
    public long pausedNs()
    {
        return pausedNs;
    }

    /**
     * True while the engine is in a planned pause, or has not yet handled every input published before the last one
     * ended: the lag it shows now is the pause's, not a queue of offered work. Any thread.
     */
    public boolean catchingUpWithPause()
    {
        return paused || handled() < pauseBacklogEnd || downstream.catchingUpWithPause();
    }

    /** The last sequence the engine has handled; -1 before it handled any. */
    public long handled()
    {
        final Sequence sequence = engineSequence;
        return sequence == null ? -1 : sequence.get();
    }

    /** Inputs published before slot {@code sequence} that the engine has not finished. */
    public long backlogBefore(final long sequence)
    {
        return Math.max(0, sequence - 1 - handled());
    }

    /**
     * The age at {@code nowNs} of the oldest input published before slot {@code sequence} that the engine has not
     * finished; 0 when there is none, or when that slot is claimed and not yet published. Reads that slot's receive
     * time: it was written before the slot was published, and the slot cannot be reused before the engine has passed
     * it. An engine past this ring ({@link #downstream}) counts with its own lag, whichever is older.
     */
    public long lagNsBefore(final long sequence, final long nowNs)
    {
        final long oldest = handled() + 1;
        // A slot another producer has claimed but not yet published still holds the receive time of its previous lap
        // round the ring (seconds old): it was claimed just now, so it counts as no lag rather than as that age.
        final long ringLagNs = oldest >= sequence || !ring.isAvailable(oldest) ? 0 :
            Math.max(0, nowNs - ring.get(oldest).timeNs);
        return Math.max(ringLagNs, downstream.lagNs(nowNs));
    }

    /** Inputs published and not yet handled, now. */
    public long backlog()
    {
        return backlogBefore(ring.getCursor() + 1);
    }

    /** The age at {@code nowNs} of the oldest input published and not yet handled; 0 when there is none. */
    public long lagNs(final long nowNs)
    {
        return lagNsBefore(ring.getCursor() + 1, nowNs);
    }

    public int ringSize()
    {
        return ring.getBufferSize();
    }
}
