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
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code referee journal replay}: runs a fresh engine over the journal and checks its outputs and events. The trace
 * of one call is its inputs, outputs and events in replay order, each marked as matching or not: the engine's
 * internal state transitions are not exposed to tools.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {
        "Replay the journal on a fresh engine (recorded seed and configuration) and check that it produces exactly " +
            "the recorded outputs and domain events, in order. Exit 0 when it does, 1 naming the first differing " +
            "record.",
        "--call CALL --trace prints that call's inputs, outputs and events as the replay meets them." })
final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Option(names = "--call", paramLabel = "CALL", description = "The call to trace (leg Call-ID or call id).")
    String callName;

    @Option(names = "--trace", description = "Print the records of --call as the replay goes.")
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
            final Set<JournalRecord> mine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            final Set<Long> indexes = new java.util.HashSet<>();
            for (final JournalRecord record : index.recordsOf(call))
            {
                mine.add(record);
                indexes.add(record.index);
            }
            out.println("trace of call " + call.callId + " (inputs, outputs and events of the call in replay order; " +
                "engine state transitions are not exposed)");
            listener = (record, matched) ->
            {
                if (indexes.contains(record.index))
                {
                    out.println((matched ? "  ok   " : "  DIFF ") + JournalFormatter.describe(record));
                }
            };
        }

        final JournalVerifier.Result result;
        try (Journal opened = Journal.openReadOnly(journal.dir); JournalReader reader = opened.newReader())
        {
            result = JournalVerifier.verify(reader, listener);
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
}
