package dev.referee.ops.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.call.CallStateDescriber;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.TransitionListener;
import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalVerifier;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The trace of one call during {@code referee journal replay --call CALL --trace}: the call's records as the replay
 * meets them (each marked ok or DIFF); the moves of its state machines (call, dialogs, each leg's offer/answer,
 * transfers, client purposes) as the engine records them, and the events they did not expect; and after every input
 * the engine's state of the call and of the calls its transfers made, printed when it changed. What an input of no
 * call caused (a timer tick) names that input.
 */
final class CallTrace implements JournalVerifier.Listener, TransitionListener
{
    private final PrintWriter out;
    private final Set<Long> recordIndexes;
    private final List<Long> callIds;
    private final Map<Long, String> lastState = new HashMap<>();
    /** The moves the input being replayed made, printed after it. */
    private final List<String> moves = new ArrayList<>();

    CallTrace(final PrintWriter out, final Set<Long> recordIndexes, final List<Long> callIds)
    {
        this.out = out;
        this.recordIndexes = recordIndexes;
        this.callIds = callIds;
    }

    @Override
    public void onRecord(final JournalRecord record, final boolean matched)
    {
        if (recordIndexes.contains(record.index))
        {
            out.println((matched ? "  ok   " : "  DIFF ") + JournalFormatter.describe(record));
        }
    }

    @Override
    public void onEngine(final Engine engine)
    {
        engine.transitions().listener(this);
    }

    @Override
    public void onTransition(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        if (callIds.contains(callId))
        {
            moves.add("  move  " + name(machine) + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
        }
    }

    @Override
    public void onRefusedMove(final StateMachine machine, final long id, final long callId, final Enum<?> from,
        final Enum<?> to, final String reason, final long nowNs)
    {
        if (callIds.contains(callId))
        {
            moves.add("  REFUSED " + name(machine) + " " + id + ": " + from + " -> " + to + " (" + reason + ")");
        }
    }

    @Override
    public void onUnexpected(final StateMachine machine, final long id, final long callId, final Enum<?> state,
        final String event, final long nowNs)
    {
        if (callId == 0 || callIds.contains(callId))
        {
            moves.add("  unexpected " + name(machine) + " " + id + " in " + state + ": " + event);
        }
    }

    private static String name(final StateMachine machine)
    {
        return machine.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    @Override
    public void afterInput(final JournalRecord input, final Engine engine)
    {
        if (!moves.isEmpty())
        {
            final String cause = recordIndexes.contains(input.index) ? "" :
                "   (after " + JournalFormatter.describe(input) + ")";
            for (final String move : moves)
            {
                out.println(move + cause);
            }
            moves.clear();
        }
        for (final Long callId : callIds)
        {
            final String state = CallStateDescriber.describe(engine.snapshotParts().b2bua(), callId);
            final String previous = lastState.get(callId);
            if (Objects.equals(state, previous))
            {
                continue;
            }
            lastState.put(callId, state);
            final String cause = recordIndexes.contains(input.index) ? "" :
                "   (after " + JournalFormatter.describe(input) + ")";
            if (state != null)
            {
                out.println("  state " + state + cause);
            }
            else if (previous != null)
            {
                out.println("  state call " + callId + " ended: the engine holds nothing for it any more" + cause);
            }
        }
    }
}
