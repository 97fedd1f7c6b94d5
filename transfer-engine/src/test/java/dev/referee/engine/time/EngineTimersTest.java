package dev.referee.engine.time;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EngineTimers} skips the ticks whose spoke holds no timer due (a clock step of seconds is thousands of ticks),
 * yet timers must fire exactly as when the wheel is polled tick by tick, as it was when the journals in the test
 * resources were recorded: timer ids and the wheel's tick are engine state (snapshots, replay). So the same seeded
 * schedules run on both, and what fires (timer, time, the wheel's tick during the call), what each advance returns and
 * what stays pending must be the same.
 */
class EngineTimersTest
{
    private static final long TICK_NS = 1L << 20;
    /** One turn of the wheel (1024 ticks): a timer a turn away lands in the spoke of the current tick. */
    private static final long TURN_NS = 1024 * TICK_NS;
    private static final long START_NS = 1_000_000_000_000L + 123_456;

    @Test
    void shouldFireAsTickByTickPollingOnRandomSchedulesWithLongStepsAndReschedulingOwners()
    {
        int longSteps = 0;
        for (long seed = 1; seed <= 60; seed++)
        {
            final Run reference = new Run(seed, new TickByTickTimers());
            final Run skipping = new Run(seed, new SkippingTimers());
            reference.play();
            skipping.play();
            final long runSeed = seed;
            for (int i = 0; i < Math.min(reference.log.size(), skipping.log.size()); i++)
            {
                final int line = i;
                assertEquals(reference.log.get(i), skipping.log.get(i), () -> "seed " + runSeed + ", line " + line);
            }
            assertEquals(reference.log.size(), skipping.log.size(), () -> "log length, seed " + runSeed);
            longSteps += reference.longSteps;
        }
        assertTrue(longSteps > 500, "the schedules include long clock steps: " + longSteps);
    }

    @Test
    void shouldFireATimerDueAfterAJumpAtTheFirstTickOfItsSpokeNotAtItsOwnTick()
    {
        // Two timers a turn apart in deadline but in spokes in the other order: after a jump past both, the wheel
        // reaches the spoke of the later one first. Tick-by-tick polling fires them in that order; so must skipping.
        for (final Timers timers : new Timers[]{new TickByTickTimers(), new SkippingTimers()})
        {
            final List<String> fired = new ArrayList<>();
            timers.advance(START_NS);
            timers.schedule(TURN_NS + 500 * TICK_NS, (id, now) -> fired.add("late"));
            timers.schedule(700 * TICK_NS, (id, now) -> fired.add("early"));
            assertEquals(2, timers.advance(START_NS + 40 * TURN_NS), timers.getClass().getSimpleName());
            assertEquals(List.of("late", "early"), fired, timers.getClass().getSimpleName());
            assertEquals(START_NS + 40 * TURN_NS, timers.nowNs());
        }
    }

    /** One seeded schedule: timers scheduled and cancelled between clock steps, owners rescheduling as they fire. */
    private static final class Run
    {
        private final Random random;
        private final Timers timers;
        private final List<String> log = new ArrayList<>();
        private final LongArrayList ids = new LongArrayList();
        private long nowNs = START_NS;
        private int longSteps;

        Run(final long seed, final Timers timers)
        {
            this.random = new Random(seed);
            this.timers = timers;
        }

        void play()
        {
            timers.advance(nowNs);
            for (int op = 0; op < 150; op++)
            {
                final int choice = random.nextInt(10);
                if (choice < 4)
                {
                    schedule("op" + op, randomDelayNs());
                }
                else if (choice < 5 && !ids.isEmpty())
                {
                    timers.cancel(ids.getLong(random.nextInt(ids.size())));
                }
                else
                {
                    step();
                }
            }
            // Every timer left fires, whatever its deadline.
            nowNs += 10 * 60 * 1_000_000_000L;
            log.add("end fired " + timers.advance(nowNs) + " tick " + timers.tickTimeNs() + " " + timers.pending());
        }

        private void step()
        {
            final long stepNs = switch (random.nextInt(5))
            {
                case 0 -> random.nextInt(3) * TICK_NS / 2;
                case 1 -> random.nextLong(20 * TICK_NS);
                case 2 -> random.nextLong(2 * TURN_NS);
                case 3 -> random.nextLong(40_000_000_000L);
                default -> random.nextLong(100_000_000_000L);
            };
            if (stepNs > 2 * TURN_NS)
            {
                longSteps++;
            }
            nowNs += stepNs;
            final int fired = timers.advance(nowNs);
            log.add("advance " + nowNs + " fired " + fired + " tick " + timers.tickTimeNs() + " " + timers.pending());
        }

        private void schedule(final String name, final long delayNs)
        {
            final long timerId = timers.schedule(delayNs, (id, now) -> fire(name, id, now));
            ids.addLong(timerId);
            log.add("schedule " + name + " in " + delayNs + " as " + timerId);
        }

        private long randomDelayNs()
        {
            return switch (random.nextInt(8))
            {
                case 0 -> 0;
                case 1 -> random.nextLong(4 * TICK_NS);
                // Whole turns of the wheel: the spoke of the current tick, where timers found due may just have left
                // their slots.
                case 2 -> (1 + random.nextInt(3)) * TURN_NS - random.nextInt(2) * TICK_NS / 2;
                case 3 -> random.nextLong(5 * TURN_NS);
                case 4 -> random.nextLong(40_000_000_000L);
                case 5 -> random.nextLong(200_000_000_000L);
                // Many in the same tick: spokes grow past their first 16 slots.
                case 6 -> 7 * TICK_NS;
                default -> random.nextLong(600_000_000L);
            };
        }

        private void fire(final String name, final long timerId, final long firedNs)
        {
            log.add("fire " + name + " " + timerId + " at " + firedNs + " tick " + timers.tickTimeNs());
            final int choice = random.nextInt(6);
            if (choice < 2)
            {
                schedule(name + "'", randomDelayNs());
            }
            else if (choice == 2 && !ids.isEmpty())
            {
                timers.cancel(ids.getLong(random.nextInt(ids.size())));
            }
            else if (choice == 3)
            {
                // Into the spoke just polled (whole turns after its tick), whose slots the timers found due with this
                // one have left: a second one takes the slot, and so the id, of a timer not yet given to its owner.
                final long polledTickNs = timers.tickTimeNs() - 2 * TICK_NS;
                final long turns = Math.max(1, (firedNs - polledTickNs + TURN_NS - 1) / TURN_NS);
                for (int i = random.nextInt(3); i >= 0; i--)
                {
                    schedule(name + "^", polledTickNs + turns * TURN_NS - firedNs);
                }
            }
        }
    }

    /** What the test needs of both wheels. */
    private interface Timers
    {
        long schedule(long delayNs, TimerOwner owner);

        void cancel(long timerId);

        int advance(long nowNs);

        long nowNs();

        long tickTimeNs();

        String pending();
    }

    private static final class SkippingTimers implements Timers
    {
        private final EngineTimers timers = new EngineTimers();

        @Override
        public long schedule(final long delayNs, final TimerOwner owner)
        {
            return timers.schedule(delayNs, owner);
        }

        @Override
        public void cancel(final long timerId)
        {
            timers.cancel(timerId);
        }

        @Override
        public int advance(final long nowNs)
        {
            return timers.advance(nowNs);
        }

        @Override
        public long nowNs()
        {
            return timers.nowNs();
        }

        @Override
        public long tickTimeNs()
        {
            return timers.hasWheel() ? timers.wheelTickTimeNs() : -1;
        }

        @Override
        public String pending()
        {
            final StringBuilder sb = new StringBuilder("in wheel ").append(timers.timersInWheel()).append(", pending");
            timers.forEachPending((id, deadlineNs, owner) -> sb.append(' ').append(id).append('@').append(deadlineNs));
            return sb.toString();
        }
    }

    /** The wheel as EngineTimers drove it before it skipped ticks: one poll per tick while any timer is pending. */
    private static final class TickByTickTimers implements Timers, DeadlineTimerWheel.TimerHandler
    {
        private final Long2ObjectHashMap<TimerOwner> owners = new Long2ObjectHashMap<>();
        private final LongArrayList expired = new LongArrayList();
        private DeadlineTimerWheel wheel;
        private long nowNs;

        @Override
        public long schedule(final long delayNs, final TimerOwner owner)
        {
            if (wheel == null)
            {
                wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, TICK_NS, 1024);
            }
            final long timerId = wheel.scheduleTimer(nowNs + delayNs);
            owners.put(timerId, owner);
            return timerId;
        }

        @Override
        public void cancel(final long timerId)
        {
            if (owners.remove(timerId) != null)
            {
                wheel.cancelTimer(timerId);
            }
        }

        @Override
        public int advance(final long nowNs)
        {
            this.nowNs = Math.max(this.nowNs, nowNs);
            if (wheel == null)
            {
                return 0;
            }
            int fired = 0;
            while (wheel.timerCount() > 0 && wheel.currentTickTime() <= this.nowNs)
            {
                wheel.poll(this.nowNs, this, Integer.MAX_VALUE);
                for (int i = 0; i < expired.size(); i++)
                {
                    final TimerOwner owner = owners.remove(expired.getLong(i));
                    if (owner != null)
                    {
                        fired++;
                        owner.onTimer(expired.getLong(i), this.nowNs);
                    }
                }
                expired.clear();
            }
            if (wheel.timerCount() == 0)
            {
                wheel.currentTickTime(this.nowNs);
            }
            return fired;
        }

        @Override
        public boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
        {
            expired.addLong(timerId);
            return true;
        }

        @Override
        public long nowNs()
        {
            return nowNs;
        }

        @Override
        public long tickTimeNs()
        {
            return wheel == null ? -1 : wheel.currentTickTime();
        }

        @Override
        public String pending()
        {
            final long[] timerIds = owners.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
            final StringBuilder sb = new StringBuilder("in wheel ").append(wheel == null ? 0 : wheel.timerCount())
                .append(", pending");
            Arrays.stream(timerIds).forEach(id -> sb.append(' ').append(id).append('@').append(wheel.deadline(id)));
            return sb.toString();
        }
    }
}
