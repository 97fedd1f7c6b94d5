package dev.referee.ops.journal;

import dev.referee.engine.Engine;
import dev.referee.engine.call.CallStateDescriber;
import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalVerifier;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The trace of one call during {@code referee journal replay --call CALL --trace}: the call's records as the replay
 * meets them (each marked ok or DIFF), and after every input the engine's state of the call and of the calls its
 * transfers made, printed when it changed: the call's state transitions. A change caused by an input of no call
 * (a timer tick) names that input.
 */
final class CallTrace implements JournalVerifier.Listener
{
    private final PrintWriter out;
    private final Set<Long> recordIndexes;
    private final List<Long> callIds;
    private final Map<Long, String> lastState = new HashMap<>();

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
    public void afterInput(final JournalRecord input, final Engine engine)
    {
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
