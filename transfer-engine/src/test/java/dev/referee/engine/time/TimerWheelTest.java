package dev.referee.engine.time;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's timer ids and the order its timers fire in are journaled state (snapshots hold the ids, replay compares
 * outputs byte for byte), and the journals recorded so far were made with Agrona's {@code DeadlineTimerWheel}. So
 * {@link TimerWheel} runs side by side with it on seeded random work (bunched deadlines that make spokes grow past
 * 16, 64 and 128 slots, cancels, polls at random times, the tick moved by hand) and must answer every call the same.
 */
class TimerWheelTest
{
    private static final long TICK = 1L << 20;
    private static final int SPOKES = 1024;
    private static final long START = 1_000_000_000_000L + 12_345;

    @Test
    void shouldHandOutTheSameIdsAndExpireInTheSameOrderAsAgronasWheel()
    {
        long polls = 0;
        long expiries = 0;
        int maxSlots = 0;
        for (long seed = 1; seed <= 12; seed++)
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final DeadlineTimerWheel reference =
                new DeadlineTimerWheel(TimeUnit.NANOSECONDS, START, TICK, SPOKES, 16);
            final TimerWheel wheel = new TimerWheel(START, TICK, SPOKES, 16);
            final LongArrayList pending = new LongArrayList();
            final LongArrayList referenceExpired = new LongArrayList();
            final LongArrayList expired = new LongArrayList();
            long now = START;
            for (int op = 0; op < 60_000; op++)
            {
                final int choice = random.nextInt(20);
                if (choice < 9)
                {
                    // Bunched: a few spokes take hundreds of timers due turns away, as 32 s timers of a busy second
                    // do; the others are spread or due within a few ticks.
                    final int kind = random.nextInt(3);
                    final long turn = SPOKES * TICK;
                    final long deadline = kind == 0 ? now + random.nextLong(4 * TICK) - 2 * TICK : kind == 1 ?
                        now + random.nextLong(40 * turn) :
                        START + ((now - START) / turn + 1 + random.nextInt(40)) * turn + random.nextInt(3) * TICK;
                    final long id = reference.scheduleTimer(deadline);
                    assertEquals(id, wheel.scheduleTimer(deadline), "id, seed " + seed + " op " + op);
                    pending.addLong(id);
                }
                else if (choice < 14 && !pending.isEmpty())
                {
                    final long id = pending.removeAt(random.nextInt(pending.size()));
                    assertEquals(reference.cancelTimer(id), wheel.cancelTimer(id), "cancel, seed " + seed);
                }
                else if (choice < 19)
                {
                    now += random.nextInt(8) == 0 ? random.nextLong(3L * SPOKES * TICK) : random.nextLong(2 * TICK);
                    final int referenceCount =
                        reference.poll(now, (unit, at, id) -> referenceExpired.addLong(id), Integer.MAX_VALUE);
                    assertEquals(referenceCount, wheel.poll(now, (id, deadline) -> expired.addLong(id)), "expired, seed " + seed);
                    assertEquals(referenceExpired, expired, "expiry order, seed " + seed + " op " + op);
                    expiries += expired.size();
                    referenceExpired.clear();
                    expired.clear();
                    polls++;
                }
                else
                {
                    reference.currentTickTime(now);
                    wheel.currentTickTime(now);
                    final long tick = (wheel.currentTickTime() - START) / TICK - 1;
                    final long later = now + random.nextLong(5L * SPOKES * TICK);
                    assertEquals(firstTickWithTimerDue(reference, tick, later),
                        wheel.firstTickWithTimerDue(tick, later), "first tick due, seed " + seed + " op " + op);
                }
                assertEquals(reference.timerCount(), wheel.timerCount());
                assertEquals(reference.currentTickTime(), wheel.currentTickTime());
            }
            assertEquals(everyTimer(reference), everyTimer(wheel), "every timer, seed " + seed);
            for (int i = 0; i < pending.size(); i++)
            {
                assertEquals(reference.deadline(pending.getLong(i)), wheel.deadline(pending.getLong(i)));
            }
            maxSlots = Math.max(maxSlots, wheel.maxSlotsPerSpoke());
        }
        assertTrue(maxSlots >= 128, "spokes grew past two bitmap words: " + maxSlots);
        assertTrue(expiries > 10_000, "timers expired: " + expiries + " in " + polls + " polls");
    }

    @Test
    void shouldTakeTheFirstFreeSlotOfASpokeAndGrowWhenItIsFull()
    {
        final TimerWheel wheel = new TimerWheel(0, TICK, SPOKES, 16);
        final long[] ids = new long[17];
        for (int i = 0; i < 17; i++)
        {
            ids[i] = wheel.scheduleTimer(5 * TICK);
        }
        assertEquals((5L << 32) | 16, ids[16], "the 17th timer of spoke 5 is in the first new slot");
        assertEquals(32, wheel.maxSlotsPerSpoke());
        assertEquals(SPOKES * 16L + 16, wheel.slotsInAll(), "only spoke 5 grew");
        assertTrue(wheel.cancelTimer(ids[3]));
        assertFalse(wheel.cancelTimer(ids[3]), "cancelled once");
        assertEquals(ids[3], wheel.scheduleTimer(5 * TICK + 7), "slot 3 is free again");
        assertEquals(5 * TICK + 7, wheel.deadline(ids[3]));
        assertEquals(TimerWheel.NULL_DEADLINE, wheel.deadline(EngineTimers.NO_TIMER));
        assertFalse(wheel.cancelTimer(EngineTimers.NO_TIMER));
    }

    /**
     * A node starved of CPU reads a backlog of datagrams in a burst, and their timers crowd a few spokes: in an overload
     * run that grew Agrona's wheel (every spoke as large as the fullest) to 65,536 slots per spoke, 800 MB, and the node
     * ran out of heap. One crowded spoke must cost its own slots only, and hand out the ids Agrona's wheel would.
     */
    @Test
    void shouldGrowOnlyTheCrowdedSpoke()
    {
        final DeadlineTimerWheel reference = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, 0, TICK, SPOKES, 16);
        final TimerWheel wheel = new TimerWheel(0, TICK, SPOKES, 16);
        final int crowd = 40_000;
        for (int i = 0; i < crowd; i++)
        {
            final long deadline = 9 * TICK + (i % 3) * SPOKES * TICK; // spoke 9, this turn and the next two
            assertEquals(reference.scheduleTimer(deadline), wheel.scheduleTimer(deadline));
        }
        for (int spoke = 0; spoke < SPOKES; spoke++)
        {
            final long deadline = spoke * TICK + 5;
            assertEquals(reference.scheduleTimer(deadline), wheel.scheduleTimer(deadline));
        }
        assertEquals(65_536, wheel.maxSlotsPerSpoke(), "the crowded spoke: the next power of two above its timers");
        assertEquals(65_536L + (SPOKES - 1) * 16L, wheel.slotsInAll(), "every other spoke kept its 16 slots");
        assertEquals(reference.deadline(9L << 32 | 39_999), wheel.deadline(9L << 32 | 39_999));
        assertEquals(TimerWheel.NULL_DEADLINE, wheel.deadline(10L << 32 | 16), "spoke 10 has 16 slots, no 17th");
        assertEquals(everyTimer(reference), everyTimer(wheel));
    }

    @Test
    void shouldRefuseSizesThatAreNotPowersOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, TICK, 1000, 16));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, TICK + 1, SPOKES, 16));
        assertThrows(IllegalArgumentException.class, () -> new TimerWheel(0, TICK, SPOKES, 12));
    }

    /** By brute force: of every timer due by {@code now}, the first tick from {@code fromTick} on of its spoke. */
    private static long firstTickWithTimerDue(final DeadlineTimerWheel wheel, final long fromTick, final long now)
    {
        final long[] first = { Long.MAX_VALUE };
        wheel.forEach((deadline, id) ->
        {
            if (deadline <= now)
            {
                final int spoke = (int)(id >>> 32);
                first[0] = Math.min(first[0], fromTick + ((spoke - fromTick) & (SPOKES - 1)));
            }
        });
        return first[0];
    }

    private static List<String> everyTimer(final DeadlineTimerWheel wheel)
    {
        final List<String> timers = new ArrayList<>();
        wheel.forEach((deadline, id) -> timers.add(id + "@" + deadline));
        return timers;
    }

    private static List<String> everyTimer(final TimerWheel wheel)
    {
        final List<String> timers = new ArrayList<>();
        wheel.forEach((deadline, id) -> timers.add(id + "@" + deadline));
        return timers;
    }
}
