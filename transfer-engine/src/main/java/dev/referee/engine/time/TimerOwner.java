package dev.referee.engine.time;

/** Something that schedules timers on {@link EngineTimers} and is called back when one expires. */
@FunctionalInterface
public interface TimerOwner
{
    /** Timer {@code timerId} (as returned by {@link EngineTimers#schedule}) reached its deadline. */
    void onTimer(long timerId, long nowNs);
}
