package dev.referee.engine.time;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EngineTimers#scheduleRetransmission}: from node-start version 10 a retransmission is scheduled from the
 * deadline of the timer that fired, so that timers a stall held back, which all fire in one advance, do not go on
 * firing together; journals made before keep scheduling from the engine's time.
 */
class RetransmissionScheduleTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START_NS = 1_000_000_000_000L;
    private static final long INTERVAL_NS = 1_000 * MS;

    @Test
    void shouldKeepTheDeadlinesPhaseAndNeverLeaveLessThanHalfAnIntervalFromNow()
    {
        assertEquals(1_500 * MS, EngineTimers.nextDeadline(500 * MS, 600 * MS, INTERVAL_NS), "on time");
        assertEquals(1_500 * MS, EngineTimers.nextDeadline(500 * MS, 1_000 * MS, INTERVAL_NS), "half an interval late");
        // Later than that: half an interval from now, plus the lateness modulo half an interval.
        assertEquals(2_500 * MS, EngineTimers.nextDeadline(500 * MS, 2_000 * MS, INTERVAL_NS));
        assertEquals(2_990 * MS, EngineTimers.nextDeadline(510 * MS, 2_000 * MS, INTERVAL_NS));
        assertEquals(2_980 * MS, EngineTimers.nextDeadline(520 * MS, 2_000 * MS, INTERVAL_NS));
    }

    @Test
    void shouldSpreadTheRetransmissionsOfTimersAStallHeldBack()
    {
        final List<Long> fromDeadline = retransmissionTimesAfterAStall(true);
        final List<Long> fromNow = retransmissionTimesAfterAStall(false);

        assertEquals(1, new TreeSet<>(fromNow).size(), "from the engine's time they all go together: " + fromNow);
        assertEquals(fromDeadline.size(), new TreeSet<>(fromDeadline).size(), "each at its own time: " + fromDeadline);
        for (final long at : fromDeadline)
        {
            assertTrue(at >= 2_500 && at < 3_000, "between half an interval and an interval after the stall: " + at);
        }
    }

    @Test
    void shouldScheduleFromTheEngineTimeOutsideAnOwnersCall()
    {
        final EngineTimers timers = new EngineTimers();
        timers.retransmissionsFromDeadline(true);
        timers.advance(START_NS);
        final List<String> fired = new ArrayList<>();
        timers.scheduleRetransmission(INTERVAL_NS, (id, nowNs) -> fired.add("retransmission " + nowNs));
        timers.schedule(INTERVAL_NS, (id, nowNs) -> fired.add("timer " + nowNs));
        advanceInSteps(timers, START_NS, 1_100);
        assertEquals(2, fired.size(), fired::toString);
        assertEquals(fired.get(0).replace("retransmission", "timer"), fired.get(1), "at the same time");
    }

    /**
     * Ten timers due 10 ms apart from 500 ms, an input at 2,000 ms after a stall (all ten fire in that advance), each
     * owner scheduling its next retransmission an interval on: the times (ms from the start) they fire next.
     */
    private static List<Long> retransmissionTimesAfterAStall(final boolean fromDeadline)
    {
        final EngineTimers timers = new EngineTimers();
        timers.retransmissionsFromDeadline(fromDeadline);
        timers.advance(START_NS);
        final List<Long> second = new ArrayList<>();
        final TimerOwner again = (id, nowNs) -> second.add((nowNs - START_NS) / MS);
        final TimerOwner first = (id, nowNs) -> timers.scheduleRetransmission(INTERVAL_NS, again);
        for (int i = 0; i < 10; i++)
        {
            timers.schedule((500 + 10 * i) * MS, first);
        }
        assertEquals(10, timers.advance(START_NS + 2_000 * MS), "the stall: all ten fire in one advance");
        advanceInSteps(timers, START_NS + 2_000 * MS, 1_500);
        assertEquals(10, second.size());
        return second;
    }

    private static void advanceInSteps(final EngineTimers timers, final long fromNs, final int steps)
    {
        for (int ms = 1; ms <= steps; ms++)
        {
            timers.advance(fromNs + ms * MS);
        }
    }
}
