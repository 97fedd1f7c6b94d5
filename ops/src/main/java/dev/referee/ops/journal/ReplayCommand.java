package dev.referee.ops.journal;

import dev.referee.journal.Journal;
import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalVerifier;
import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code referee journal replay}: runs a fresh engine over the journal and checks its outputs and events. The trace
 * of one call ({@link CallTrace}) is its inputs, outputs and events in replay order, each marked as matching or not,
 * with the engine's state of the call printed after every input that changed it.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {
        "Replay the journal on a fresh engine (recorded configuration and identifier key) and check that it " +
            "produces exactly the recorded outputs and domain events, in order. Exit 0 when it does, 1 naming the " +
            "first differing record.",
        "--call CALL --trace prints that call's inputs, outputs and events as the replay meets them, and its state " +
            "(call, legs, transfer) after every input that changes it." })
final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Option(names = "--call", paramLabel = "CALL", description = "The call to trace (leg Call-ID or call id).")
    String callName;

    @Option(names = "--trace", description = "Print the records and state transitions of --call as the replay goes.")
    boolean trace;

    @Option(names = "--strict", description = "Also fail when the replay produces outputs or events after the " +
        "journal's last record (normal for a node stopped or still running).")
    boolean strict;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        JournalVerifier.Listener listener = JournalVerifier.Listener.NONE;
        if (trace)
        {
            if (callName == null)
            {
                spec.commandLine().getErr().println("referee: --trace needs --call CALL");
                return ExitCodes.CONFIG;
            }
            final JournalIndex index = JournalIndex.load(journal.dir);
            final CallView call = index.find(callName);
            if (call == null)
            {
                spec.commandLine().getErr().println("referee: no call " + callName + " in " + journal.dir);
                return ExitCodes.FAILURE;
            }
            final Set<Long> indexes = new HashSet<>();
            for (final JournalRecord record : index.recordsOf(call))
            {
                indexes.add(record.index);
            }
            final List<Long> callIds = new ArrayList<>();
            addWithChildren(call, callIds);
            out.println("trace of call " + call.callId + " (its records in replay order, ok or DIFF against the " +
                "replay; 'state' lines: what the engine holds for call" + (callIds.size() > 1 ? "s " : " ") +
                callIds.stream().map(String::valueOf).collect(Collectors.joining(", ")) +
                " after each input that changed it)");
            listener = new CallTrace(out, indexes, callIds);
        }

        final JournalVerifier.Result result;
        try (Journal opened = Journal.openReadOnly(journal.dir); JournalReader reader = opened.newReader())
        {
            result = JournalVerifier.verify(reader, listener);
        }
        if (result.fromSnapshot())
        {
            // Retention deleted node-start: what came before the first snapshot cannot be checked.
            out.println("the journal's node-start is gone (retention): replayed from the snapshot at record " +
                result.startIndex() + "; the " + result.notChecked() + " records up to it not checked");
        }
        if (!result.ok())
        {
            out.println("replay DIVERGED: " + result.divergence());
            out.flush();
            return ExitCodes.FAILURE;
        }
        out.println("replay OK: " + result.records() + " records, " + result.inputs() + " inputs replayed, " +
            result.outputs() + " outputs and " + result.events() + " events identical; " +
            result.droppedAtRecovery() + " dropped at recoveries, " + result.unrecordedAtEnd() +
            " produced after the last record");
        out.flush();
        return strict && result.unrecordedAtEnd() > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    /** The call and, depth first, the calls its transfers made. */
    private static void addWithChildren(final CallView call, final List<Long> callIds)
    {
        callIds.add(call.callId);
        for (final CallView child : call.children)
        {
            addWithChildren(child, callIds);
        }
    }
}
