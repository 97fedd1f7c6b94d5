package dev.referee.engine.state;

/**
 * Told of every state change of the engine's machines and of every event a machine did not expect. A replay's
 * {@code --trace} records them; the live engine has none (it only counts the unexpected). Engine thread only: a
 * listener must not keep the enum values' owners or block.
 */
public interface TransitionListener
{
    TransitionListener NONE = new TransitionListener()
    {
        @Override
        public void onTransition(final StateMachine machine, final long id, final long callId, final Enum<?> from,
            final Enum<?> to, final String reason, final long nowNs)
        {
        }

        @Override
        public void onRefusedMove(final StateMachine machine, final long id, final long callId, final Enum<?> from,
            final Enum<?> to, final String reason, final long nowNs)
        {
        }

        @Override
        public void onUnexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
            final String event, final long nowNs)
        {
        }
    };

    /**
     * Machine {@code machine} of object {@code id} (a call, leg, transfer or transaction number) in call
     * {@code callId} (0 when it belongs to none) moved from {@code from} to {@code to} because of {@code reason}.
     */
    void onTransition(StateMachine machine, long id, long callId, Enum<?> from, Enum<?> to, String reason, long nowNs);

    /**
     * A move the machine does not allow was asked for: a bug in the engine, not in a peer. Nothing changed (the
     * machine stays in {@code from}).
     */
    void onRefusedMove(StateMachine machine, long id, long callId, Enum<?> from, Enum<?> to, String reason, long nowNs);

    /**
     * An input the machine has no move for in {@code state}, so it ignores it: a response for a transaction already
     * given up, a stray answer, a request of a dialog that is over. Nothing changed.
     */
    void onUnexpected(StateMachine machine, long id, long callId, Enum<?> state, String event, long nowNs);
}
