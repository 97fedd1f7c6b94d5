package dev.referee.ops.journal;

import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;
import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code referee journal show CALL}: the call's timeline. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "A call's timeline: times relative to its first record, domain events and each message's first " +
        "line; a failed transfer says why.")
final class ShowCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Parameters(paramLabel = "CALL", description = "A leg's Call-ID or Referee's call id.")
    String callName;

    @Override
    public Integer call() throws Exception
    {
        final JournalIndex index = JournalIndex.load(journal.dir);
        final CallView call = index.find(callName);
        if (call == null)
        {
            spec.commandLine().getErr().println("referee: no call " + callName + " in " + journal.dir);
            return ExitCodes.FAILURE;
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println(CallsCommand.line(index, call));
        out.println("caller " + JournalFormatter.hostPort(call.caller) + "  callee " +
            JournalFormatter.hostPort(call.callee) + (call.targets.isEmpty() ? "" : "  targets " + call.targets));
        final List<JournalRecord> records = index.recordsOf(call);
        final long startNs = records.isEmpty() ? 0 : records.get(0).timeNs;
        for (final JournalRecord record : records)
        {
            out.println(String.format(Locale.ROOT, "%+10.3f s  %s", (record.timeNs - startNs) / 1e9, line(record)));
        }
        for (final String failure : call.failedTransfers)
        {
            out.println(failure);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String line(final JournalRecord record)
    {
        return switch (record.type)
        {
            case RecordType.INPUT_SIP -> "<- " + JournalFormatter.hostPort(record.peer) + "  " + record.firstLine();
            case RecordType.OUTPUT_SIP, RecordType.OUTPUT_DIGEST ->
                "-> " + JournalFormatter.hostPort(record.peer) + "  " + record.firstLine();
            default -> "** call " + record.callId + ": " + JournalFormatter.eventDetail(record);
        };
    }
}
