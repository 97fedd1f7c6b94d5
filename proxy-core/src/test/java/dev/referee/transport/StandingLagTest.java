package dev.referee.transport;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standing queue against the passing one (RFC 8289's idea): target 100 ms, interval 1 s, times given. */
class StandingLagTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final StandingLag lag = new StandingLag(100 * MS, 1_000 * MS);

    @Test
    void shouldShedNothingForAStallThatDrainsWithinTheInterval()
    {
        // A 600 ms GC pause: the messages read after it see the engine 600 ms behind, then less as it drains.
        for (long t = 0; t <= 900; t += 10)
        {
            final long behind = t < 600 ? 600 - t / 2 : Math.max(0, 300 - (t - 600) * 2);
            assertFalse(lag.shed(behind * MS, t * MS), "at " + t + " ms, " + behind + " ms behind");
        }
        assertFalse(lag.shed(150 * MS, 1_000 * MS), "above again, but only since now");
    }

    @Test
    void shouldShedOnceTheLagStoodAboveTheTargetForAWholeInterval()
    {
        assertFalse(lag.shed(150 * MS, 0));
        assertFalse(lag.shed(120 * MS, 999 * MS));
        assertTrue(lag.shed(130 * MS, 1_000 * MS));
        assertTrue(lag.shed(101 * MS, 1_200 * MS), "goes on while above the target");
        assertFalse(lag.shed(100 * MS, 1_300 * MS), "ends once at the target");
    }

    @Test
    void shouldShedAgainAtOnceWhenTheLagRisesWithinAnIntervalOfTheLastShedding()
    {
        lag.shed(200 * MS, 0);
        assertTrue(lag.shed(200 * MS, 1_000 * MS));
        assertFalse(lag.shed(50 * MS, 1_100 * MS));
        assertTrue(lag.shed(110 * MS, 1_300 * MS), "a standing queue coming back: no new interval to wait");
        assertFalse(lag.shed(10 * MS, 1_400 * MS));
        assertFalse(lag.shed(110 * MS, 2_400 * MS), "an interval after the last shedding: a new rise waits again");
        assertFalse(lag.shed(110 * MS, 3_399 * MS));
        assertTrue(lag.shed(110 * MS, 3_400 * MS));
    }

    @Test
    void shouldNotCountAPlannedPauseAsPartOfAStandingLag()
    {
        assertFalse(lag.shed(150 * MS, 0), "above the target since 0");
        lag.plannedPause(500 * MS); // a journal snapshot, then its catching up, until 1,200 ms
        lag.plannedPause(1_200 * MS);
        assertFalse(lag.shed(150 * MS, 1_250 * MS), "the stretch before the pause does not add up with the one after");
        assertFalse(lag.shed(150 * MS, 2_249 * MS));
        assertTrue(lag.shed(150 * MS, 2_250 * MS), "a lag that stands a whole interval after the pause sheds");
        lag.plannedPause(2_300 * MS);
        assertFalse(lag.shed(50 * MS, 2_400 * MS));
        assertTrue(lag.shed(110 * MS, 2_500 * MS), "shedding before the pause: a rise within an interval sheds at once");
    }

    @Test
    void shouldNeverShedWhenTurnedOff()
    {
        final StandingLag off = new StandingLag(0, 1_000 * MS);
        for (long t = 0; t <= 5_000; t += 100)
        {
            assertFalse(off.shed(900 * MS, t * MS));
        }
    }
}
