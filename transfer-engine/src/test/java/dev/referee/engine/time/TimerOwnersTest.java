package dev.referee.engine.time;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The owners' table answers as the hash map it replaced, for the ids a real wheel hands out, spokes filling past their
 * first 16 slots (both the wheel and the table grow) and slots reused after a cancel.
 */
class TimerOwnersTest
{
    private static final int SPOKES = 1024;

    @Test
    void shouldAnswerAsAMapForTheIdsOfAWheel()
    {
        final SplittableRandom random = new SplittableRandom(3261);
        final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, 1L << 20, SPOKES, 16);
        final TimerOwners table = new TimerOwners(SPOKES, 16);
        final Long2ObjectHashMap<TimerOwner> map = new Long2ObjectHashMap<>();
        final List<Long> pending = new ArrayList<>();
        for (int step = 0; step < 200_000; step++)
        {
            if (pending.isEmpty() || random.nextInt(3) > 0)
            {
                // Bunched deadlines: some spokes take far more than 16 timers (up to 1,024 slots).
                final long deadline = (long)random.nextInt(random.nextBoolean() ? 8 : SPOKES) << 20;
                final long timerId = wheel.scheduleTimer(deadline);
                final TimerOwner owner = (id, nowNs) -> { };
                table.put(timerId, owner);
                map.put(timerId, owner);
                pending.add(timerId);
            }
            else
            {
                final long timerId = pending.remove(random.nextInt(pending.size()));
                wheel.cancelTimer(timerId);
                assertSame(map.remove(timerId), table.remove(timerId));
                assertNull(table.remove(timerId), "removed once");
            }
            assertEquals(map.size(), table.size());
        }
        for (final long timerId : pending)
        {
            assertSame(map.get(timerId), table.get(timerId));
        }
        assertEquals(map.isEmpty(), table.isEmpty());
        assertNull(table.get(((long)SPOKES << 32) | 1), "a spoke beyond the wheel has no timer");
        assertNull(table.get(EngineTimers.NO_TIMER));
        assertNull(table.get(5L << 32 | 1_000_000), "a slot beyond the table has no timer");
        assertThrows(IllegalArgumentException.class, () -> table.put(-1L, (id, nowNs) -> { }));
    }

    @Test
    void shouldReplaceTheOwnerOfAnIdGivenAgain()
    {
        final TimerOwners table = new TimerOwners(SPOKES, 1);
        final TimerOwner first = (id, nowNs) -> { };
        final TimerOwner second = (id, nowNs) -> { };
        final long timerId = 7L << 32 | 40; // a slot the table grows to hold
        table.put(timerId, first);
        table.put(timerId, second);
        assertEquals(1, table.size());
        assertSame(second, table.get(timerId));
        assertNull(table.get(7L << 32 | 39));
        assertNull(table.get(8L << 32 | 40));
        assertEquals(SPOKES - 1 + 64L, table.slotsInAll(), "only spoke 7 grew, to the power of two above slot 40");
    }
}
