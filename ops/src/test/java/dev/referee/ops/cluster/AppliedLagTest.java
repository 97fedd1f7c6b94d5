package dev.referee.ops.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leader's overload signal: how long ago the last input its own receive side offered was received, as of when
 * the replicated engine applied it; nothing while following.
 */
class AppliedLagTest
{
    private static final long OWN_SESSION = 7;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AppliedLag lag = new AppliedLag();

    @Test
    void shouldReportNoLagWhileFollowing()
    {
        lag.applied(OWN_SESSION, 1_000 * MS);
        assertEquals(0, lag.lagNs(5_000 * MS));
    }

    @Test
    void shouldCountFromTheLeadUntilAnInputOfItsOwnSessionIsApplied()
    {
        lag.lead(OWN_SESSION, 1_000 * MS);
        assertEquals(300 * MS, lag.lagNs(1_300 * MS), "nothing applied yet: a log that does not commit shows");

        lag.applied(OWN_SESSION, 1_290 * MS);
        assertEquals(10 * MS, lag.lagNs(1_300 * MS));
        lag.applied(OWN_SESSION + 1, 1_299 * MS);
        assertEquals(10 * MS, lag.lagNs(1_300 * MS), "another session's receive time is another clock");
        lag.applied(OWN_SESSION, 1_100 * MS);
        assertEquals(10 * MS, lag.lagNs(1_300 * MS), "an older receive time does not take it back");

        assertEquals(1_710 * MS, lag.lagNs(3_000 * MS), "a stalled log: the lag grows");
    }

    @Test
    void shouldReportNoLagAfterTheLeadIsGivenUp()
    {
        lag.lead(OWN_SESSION, 1_000 * MS);
        lag.follow();
        assertEquals(0, lag.lagNs(9_000 * MS));
    }

    /**
     * A snapshot holds the service thread: while it lasts, and until an input received after its end is applied, the
     * lag is the snapshot's, which the receive side does not take for overload.
     */
    @Test
    void shouldCatchUpWithASnapshotUntilAnInputReceivedAfterItIsApplied()
    {
        lag.pauseBegins();
        assertFalse(lag.catchingUpWithPause(), "following: nothing to judge");
        lag.pauseEnds(500 * MS);
        lag.lead(OWN_SESSION, 1_000 * MS);
        lag.applied(OWN_SESSION, 1_000 * MS);
        assertFalse(lag.catchingUpWithPause(), "a pause before the last input applied is over");

        lag.pauseBegins();
        assertTrue(lag.catchingUpWithPause());
        lag.pauseEnds(1_600 * MS);
        assertTrue(lag.catchingUpWithPause(), "nothing received after the end applied yet");
        lag.applied(OWN_SESSION, 1_500 * MS);
        assertTrue(lag.catchingUpWithPause(), "received during the snapshot");
        lag.applied(OWN_SESSION + 1, 1_700 * MS);
        assertTrue(lag.catchingUpWithPause(), "another session's clock");
        lag.applied(OWN_SESSION, 1_601 * MS);
        assertFalse(lag.catchingUpWithPause(), "caught up");
        assertEquals(99 * MS, lag.lagNs(1_700 * MS), "judged by its lag again");
    }

    @Test
    void shouldTakeATimeFromAnotherClockAsNoLag()
    {
        lag.lead(OWN_SESSION, 1_000 * MS);
        assertEquals(0, lag.lagNs(1_000 * MS + AppliedLag.IMPLAUSIBLE_NS + 1));
        assertEquals(0, lag.lagNs(500 * MS));
    }
}
