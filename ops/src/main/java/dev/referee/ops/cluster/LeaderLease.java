package dev.referee.ops.cluster;

import dev.referee.transport.SendGate;

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
 * {@link #isOpen} is asked by every thread that writes to a socket, and reads only volatile fields.
 */
public final class LeaderLease implements SendGate
{
    private final LongSupplier commitPosition;
    private final LongSupplier nanoClock;
    private final long termNs;
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
        this.commitPosition = commitPosition;
        this.nanoClock = nanoClock;
        this.termNs = termNs;
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
}
