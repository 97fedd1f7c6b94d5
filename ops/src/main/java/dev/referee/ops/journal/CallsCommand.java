package dev.referee.ops.journal;

import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code referee journal calls}: one line per call. */
@Command(name = "calls", mixinStandardHelpOptions = true,
    description = "One line per call: start time, call id, parties, legs, transfers, outcome.")
final class CallsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Option(names = "--failed-transfers", description = "Only calls with a failed or refused transfer.")
    boolean failedTransfers;

    @Option(names = "--since", paramLabel = "TIME", description = "Only calls started at or after TIME (ISO-8601, " +
        "e.g. 2026-11-21T08:00:00Z).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only calls started before TIME (ISO-8601).")
    Instant until;

    @Option(names = "--party", paramLabel = "TEXT",
        description = "Only calls where TEXT appears in From, To, the target or a party's address.")
    String party;

    @Override
    public Integer call() throws Exception
    {
        final JournalIndex index = JournalIndex.load(journal.dir);
        final PrintWriter out = spec.commandLine().getOut();
        int shown = 0;
        for (final CallView call : index.rootCalls())
        {
            final Instant started = index.clock.instant(call.created.timeNs);
            if ((failedTransfers && call.failedTransfers.isEmpty()) ||
                (since != null && started.isBefore(since)) ||
                (until != null && !started.isBefore(until)) ||
                (party != null && !mentions(call, party)))
            {
                continue;
            }
            out.println(line(index, call));
            shown++;
        }
        out.println(shown + " call(s)");
        out.flush();
        return ExitCodes.OK;
    }

    static String line(final JournalIndex index, final CallView call)
    {
        return index.clock.format(call.created.timeNs) + "  call " + call.callId + "  " + call.from() + " -> " +
            call.to() + "  legs=" + call.allLegs().size() + " [" + String.join(", ", call.allLegs()) + "]" +
            "  transfers=" + call.transfers +
            (call.failedTransfers.isEmpty() ? "" : " failed=" + call.failedTransfers.size()) +
            "  outcome=" + call.outcome +
            (call.failedTransfers.isEmpty() ? "" : "  " + String.join("; ", call.failedTransfers));
    }

    private static boolean mentions(final CallView call, final String text)
    {
        final String needle = text.toLowerCase();
        final StringBuilder haystack = new StringBuilder()
            .append(call.from()).append(' ').append(call.to()).append(' ').append(call.created.text(4)).append(' ')
            .append(call.caller).append(' ').append(call.callee).append(' ').append(call.targets);
        for (final CallView child : call.children)
        {
            haystack.append(' ').append(child.to()).append(' ').append(child.created.text(4));
        }
        return haystack.toString().toLowerCase().contains(needle);
    }
}
