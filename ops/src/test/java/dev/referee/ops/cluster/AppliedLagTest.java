package dev.referee.ops.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void shouldTakeATimeFromAnotherClockAsNoLag()
    {
        lag.lead(OWN_SESSION, 1_000 * MS);
        assertEquals(0, lag.lagNs(1_000 * MS + AppliedLag.IMPLAUSIBLE_NS + 1));
        assertEquals(0, lag.lagNs(500 * MS));
    }
}
