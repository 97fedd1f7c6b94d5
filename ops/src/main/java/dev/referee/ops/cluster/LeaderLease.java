package dev.referee.ops.cluster;

import dev.referee.transport.SendGate;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The leader's lease (docs/failover.md, "At most one sender"): a member sends SIP only while it leads and the
 * cluster's commit position moved within the last {@code termNs}.
 * <p>
 * Why that is safe: the commit position moves when a majority of members acknowledged the log up to it, and a member
 * acknowledges only what it received from this leader, so a majority heard from it at most {@code termNs} ago (plus
 * a replication round trip). None of them starts an election before the heartbeat timeout passes without hearing
 * from the leader; with the term half the heartbeat timeout, no other leader can exist while the lease holds. A
 * leader frozen past the timeout (SIGSTOP, a long pause, a partition) wakes with an expired lease and stays silent
 * until the consensus module tells it that it lost the lead, whatever its rings and socket buffers still hold.
 * <p>
 * The commit position carries no time, so {@link #observe} is called on a short period and dates a move it sees to
 * its previous call, which did not see it yet: never later than the move itself, so a late or starved observer can
 * only shorten the lease, never stretch it. The log never goes quiet while a member leads: the pipeline's ticks
 * (every {@code pipeline.tick-ms}, 10 ms by default) are inputs like any other, so the commit position moves all the
 * time. A leader whose commit stalls for longer than the term (its followers gone) sends nothing until they are back.
 * <p>
 * {@link #isOpen} is asked by every thread that writes to a socket, and reads only volatile fields; the threads that
 * send the engine's messages ask {@link #awaitOpen}, which waits out a lapse the log is about to end.
 */
public final class LeaderLease implements SendGate
{
    /** Between two looks of a sender waiting for the lease (the log moves every tick, 10 ms by default). */
    private static final long AWAIT_PAUSE_NS = 100_000;

    private final LongSupplier commitPosition;
    private final LongSupplier nanoClock;
    private final long termNs;
    private final Runnable pause;
    private volatile boolean leading;
    private volatile long renewedAtNs;
    private long position;
    private long observedAtNs;

    /**
     * @param commitPosition the consensus module's commit position (Aeron's commit-pos counter).
     * @param nanoClock      a monotonic clock in nanoseconds, for {@link #isOpen}.
     * @param termNs         how long a move of the commit position keeps the lease: half the heartbeat timeout.
     */
    public LeaderLease(final LongSupplier commitPosition, final LongSupplier nanoClock, final long termNs)
    {
        this(commitPosition, nanoClock, termNs, () -> LockSupport.parkNanos(AWAIT_PAUSE_NS));
    }

    /** @param pause how {@link #awaitOpen} waits between two looks at the commit position (a test moves time in it). */
    LeaderLease(final LongSupplier commitPosition, final LongSupplier nanoClock, final long termNs,
        final Runnable pause)
    {
        this.commitPosition = commitPosition;
        this.nanoClock = nanoClock;
        this.termNs = termNs;
        this.pause = pause;
    }

    /**
     * This member was elected at {@code nowNs} (a majority voted for it just now: the lease starts), or lost the lead
     * (the lease ends at once).
     */
    public synchronized void lead(final boolean lead, final long nowNs)
    {
        if (lead)
        {
            position = commitPosition.getAsLong();
            observedAtNs = nowNs;
            renewedAtNs = nowNs;
        }
        leading = lead;
    }

    /** Looks at the commit position at {@code nowNs}: a move since the last look renews the lease from that look. */
    public synchronized void observe(final long nowNs)
    {
        final long committed = commitPosition.getAsLong();
        if (committed != position)
        {
            position = committed;
            renewedAtNs = observedAtNs;
        }
        observedAtNs = nowNs;
    }

    @Override
    public boolean isOpen()
    {
        return leading && nanoClock.getAsLong() - renewedAtNs < termNs;
    }

    /**
     * Open now, or once the lease renews: while this member leads and its lease lapsed less than two terms (the
     * heartbeat timeout) ago, the log, moving again, renews it within milliseconds, looked at here as often as the
     * caller waits. Waiting sends nothing the lease does not cover: the answer is still {@link #isOpen}'s. Dropping instead lost what the engine sent just after
     * a leader's short freeze (CI, 2026-12-05: stopped 200 ms of a 250 ms term, the leader woke, applied a caller's ACK
     * and relayed it before its lease was looked at again; the callee, never ACKed, met the caller's re-INVITE next).
     * Past two terms, or once the lead is lost, it answers closed at once: the consensus module decides.
     */
    @Override
    public boolean awaitOpen()
    {
        while (!isOpen())
        {
            final long nowNs = nanoClock.getAsLong();
            if (!leading || nowNs - renewedAtNs >= 2 * termNs)
            {
                return false;
            }
            observe(nowNs);
            if (isOpen())
            {
                return true;
            }
            pause.run();
        }
        return true;
    }
}
