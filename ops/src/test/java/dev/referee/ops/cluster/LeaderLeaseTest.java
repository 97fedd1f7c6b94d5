package dev.referee.ops.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaderLeaseTest
{
    private static final long TERM_NS = 250_000_000L;
    private static final long PERIOD_NS = 5_000_000L;

    private final AtomicLong commit = new AtomicLong(1_000);
    private final AtomicLong nowNs = new AtomicLong(5_000_000_000L);
    private final LeaderLease lease = new LeaderLease(commit::get, nowNs::get, TERM_NS);

    @Test
    void shouldBeClosedToAMemberThatDoesNotLead()
    {
        assertFalse(lease.isOpen());
        commit.addAndGet(64);
        lease.observe(nowNs.get());
        assertFalse(lease.isOpen(), "a follower's log moving gives it no lease");
    }

    @Test
    void shouldHoldForATermFromTheElectionThenFromEachMoveOfTheCommitPosition()
    {
        lease.lead(true, nowNs.get());
        assertTrue(lease.isOpen(), "a member just elected holds the lease");
        for (int look = 0; look < 100; look++) // 500 ms of looks, the log moving between each
        {
            nowNs.addAndGet(PERIOD_NS);
            commit.addAndGet(64);
            lease.observe(nowNs.get());
            assertTrue(lease.isOpen(), "a majority acknowledging the log keeps it");
        }
        final long lastMoveSeenAtNs = nowNs.get();
        for (int look = 0; look < 100; look++) // the log stops: its followers are gone
        {
            nowNs.addAndGet(PERIOD_NS);
            lease.observe(nowNs.get());
        }
        assertFalse(lease.isOpen(), "no move for a term: expired");
        // Dated from the look before the one that saw the last move: at most a term after it, never later.
        nowNs.set(lastMoveSeenAtNs - PERIOD_NS + TERM_NS - 1);
        assertTrue(lease.isOpen());
        nowNs.set(lastMoveSeenAtNs - PERIOD_NS + TERM_NS);
        assertFalse(lease.isOpen());
    }

    @Test
    void shouldDateAMoveSeenLateToTheLookBeforeIt()
    {
        lease.lead(true, nowNs.get());
        final long electedAtNs = nowNs.get();
        nowNs.addAndGet(2_000_000_000L); // the observer starved (or the member frozen) for 2 s
        commit.addAndGet(64);
        lease.observe(nowNs.get());
        assertFalse(lease.isOpen(), "the move may be 2 s old: no renewal from it");
        nowNs.addAndGet(PERIOD_NS);
        commit.addAndGet(64);
        lease.observe(nowNs.get());
        assertTrue(lease.isOpen(), "a move between two looks 5 ms apart renews it");
        assertTrue(nowNs.get() - electedAtNs > TERM_NS);
    }

    @Test
    void shouldEndAtOnceWhenTheLeadIsLost()
    {
        lease.lead(true, nowNs.get());
        assertTrue(lease.isOpen());
        lease.lead(false, nowNs.get());
        commit.addAndGet(64);
        lease.observe(nowNs.get());
        assertFalse(lease.isOpen());
    }

    @Test
    void shouldWaitForTheRenewalOfALeaseThatLapsedAMomentAgoRatherThanDropping()
    {
        final AtomicLong pauses = new AtomicLong();
        // Each pause of the waiting sender is a millisecond; the log moves again 3 ms into the wait.
        final LeaderLease waiting = new LeaderLease(commit::get, nowNs::get, TERM_NS, () ->
        {
            nowNs.addAndGet(1_000_000L);
            if (pauses.incrementAndGet() == 3)
            {
                commit.addAndGet(64);
            }
        });
        waiting.lead(true, nowNs.get());
        nowNs.addAndGet(TERM_NS + 20_000_000L); // frozen 270 ms: no look, no move
        assertFalse(waiting.isOpen());
        assertTrue(waiting.awaitOpen(), "the log moved again: the lease renewed, the message goes");
        assertTrue(waiting.isOpen());
        assertTrue(pauses.get() >= 3 && pauses.get() <= 4, () -> "waited " + pauses.get() + " pauses");
    }

    @Test
    void shouldNotWaitPastTheHeartbeatTimeoutNorForAMemberThatLostTheLead()
    {
        final AtomicLong pauses = new AtomicLong();
        final LeaderLease waiting = new LeaderLease(commit::get, nowNs::get, TERM_NS, () ->
        {
            nowNs.addAndGet(1_000_000L);
            pauses.incrementAndGet();
        });
        waiting.lead(true, nowNs.get());
        nowNs.addAndGet(TERM_NS + 20_000_000L);
        assertFalse(waiting.awaitOpen(), "the log never moves (its followers are gone): closed");
        assertEquals((TERM_NS - 20_000_000L) / 1_000_000L, pauses.get(), "waited until two terms had passed, no more");
        pauses.set(0);
        assertFalse(waiting.awaitOpen());
        assertEquals(0, pauses.get(), "past two terms: closed at once, every message after");

        waiting.lead(true, nowNs.get());
        waiting.lead(false, nowNs.get());
        assertFalse(waiting.awaitOpen());
        assertEquals(0, pauses.get(), "no lead: closed at once");
    }
}
