package dev.referee.engine.state;

import dev.referee.engine.counters.EngineCounters;

/**
 * The one place the engine's machines report to: counts the unexpected (in {@link EngineCounters}, shown by
 * /status) and passes everything to the listener a replay's trace installs. Engine thread only.
 */
public final class Transitions
{
    private final EngineCounters counters;
    private TransitionListener listener = TransitionListener.NONE;

    public Transitions(final EngineCounters counters)
    {
        this.counters = counters;
    }

    /** From now on, {@code listener} hears every transition (null: nobody). */
    public void listener(final TransitionListener listener)
    {
        this.listener = listener == null ? TransitionListener.NONE : listener;
    }

    public void moved(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        listener.onTransition(machine, id, callId, from, to, reason, nowNs);
    }

    public void refused(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        counters.increment(EngineCounters.UNEXPECTED);
        listener.onRefusedMove(machine, id, callId, from, to, reason, nowNs);
    }

    public void unexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
        final String event, final long nowNs)
    {
        counters.increment(EngineCounters.UNEXPECTED);
        listener.onUnexpected(machine, id, callId, state, event, nowNs);
    }
}
