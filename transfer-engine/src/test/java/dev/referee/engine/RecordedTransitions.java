package dev.referee.engine;

import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.TransitionListener;

import java.util.ArrayList;
import java.util.List;

/**
 * What an engine's state machines reported, as lines ("CALL 1: INITIATING -> CONFIRMED (callee answered)"). A move a
 * machine refuses is a bug in the engine whatever the input: it throws, so the test that caused it fails there.
 */
public final class RecordedTransitions implements TransitionListener
{
    public final List<String> moves = new ArrayList<>();
    public final List<String> unexpected = new ArrayList<>();

    @Override
    public void onTransition(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        moves.add(machine + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
    }

    @Override
    public void onRefusedMove(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        throw new AssertionError(
            "refused move of " + machine + " " + id + " in call " + callId + ": " + from + " -> " + to + " (" + reason +
            ")");
    }

    @Override
    public void onUnexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
        final String event, final long nowNs)
    {
        unexpected.add(machine + " " + id + " in " + state + ": " + event);
    }
}
