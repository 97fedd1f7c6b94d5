package dev.referee.ops.journal;

import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;
import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code referee journal stats}: what a window of the journal adds up to. Counted over the calls that started in the
 * window (the calls that arrived, not the transfers' own calls): calls and how they ended, the answer-seizure ratio
 * (answered / calls), setup time (INVITE in to the callee's 2xx: mean and 95th percentile of the answered calls),
 * transfers by kind and outcome, and the failure reasons of calls and transfers, most frequent first.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Totals of a journal window: calls, answer-seizure ratio, setup time, transfers by kind and " +
        "outcome, failure reasons ranked.")
final class StatsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Option(names = "--since", paramLabel = "TIME", description = "Only calls started at or after TIME (ISO-8601).")
    Instant since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only calls started before TIME (ISO-8601).")
    Instant until;

    @Override
    public Integer call() throws Exception
    {
        final JournalIndex index = JournalIndex.load(journal.dir);
        final PrintWriter out = spec.commandLine().getOut();
        final Totals totals = new Totals();
        for (final CallView call : index.rootCalls())
        {
            final Instant started = index.clock.instant(call.created.timeNs);
            if ((since == null || !started.isBefore(since)) && (until == null || started.isBefore(until)))
            {
                totals.add(call);
            }
        }
        totals.print(out);
        out.flush();
        return ExitCodes.OK;
    }

    /** The sums over the calls of the window. */
    static final class Totals
    {
        int calls;
        int answered;
        final List<Long> setupNs = new ArrayList<>();
        final Map<String, Integer> outcomes = new TreeMap<>();
        /** kind -> outcome -> count. */
        final Map<String, Map<String, Integer>> transfers = new TreeMap<>();
        final Map<String, Integer> transferFailures = new LinkedHashMap<>();

        void add(final CallView call)
        {
            calls++;
            count(outcomes, call.outcome);
            final Map<String, String> kinds = new LinkedHashMap<>();
            boolean callAnswered = false;
            for (final JournalRecord event : call.events)
            {
                switch (event.type)
                {
                    case RecordType.LEG_ANSWERED ->
                    {
                        if (event.callId == call.callId && !callAnswered)
                        {
                            callAnswered = true;
                            answered++;
                            setupNs.add(event.timeNs - call.created.timeNs);
                        }
                    }
                    case RecordType.TRANSFER_STARTED -> kinds.put(event.callId + "/" + event.transferId, event.text(0));
                    case RecordType.TRANSFER_COMPLETED ->
                        outcome(kinds.remove(event.callId + "/" + event.transferId), "completed");
                    case RecordType.TRANSFER_FAILED ->
                    {
                        outcome(kinds.remove(event.callId + "/" + event.transferId), "failed");
                        count(transferFailures, JournalIndex.statusLine(event.status));
                    }
                    case RecordType.TRANSFER_REFUSED ->
                    {
                        outcome("-", "refused"); // refused before it had a kind
                        count(transferFailures, JournalIndex.statusLine(event.status) + " (refused)");
                    }
                    default ->
                    {
                    }
                }
            }
            for (final String kind : kinds.values())
            {
                outcome(kind, "in progress");
            }
        }

        private void outcome(final String kind, final String outcome)
        {
            count(transfers.computeIfAbsent(kind == null ? "?" : kind, k -> new TreeMap<>()), outcome);
        }

        private static void count(final Map<String, Integer> counts, final String key)
        {
            counts.merge(key, 1, Integer::sum);
        }

        void print(final PrintWriter out)
        {
            out.printf(Locale.ROOT, "calls %d  answered %d  ASR %s%n", calls, answered,
                calls == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * answered / calls));
            if (!setupNs.isEmpty())
            {
                final List<Long> sorted = new ArrayList<>(setupNs);
                sorted.sort(Comparator.naturalOrder());
                final double meanMs = sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
                // Nearest rank: the smallest setup time at or above which 5% of the answered calls lie.
                final long p95 = sorted.get((int)Math.ceil(0.95 * sorted.size()) - 1);
                out.printf(Locale.ROOT, "setup time (to answer)  mean %.1f ms  p95 %.1f ms%n", meanMs, p95 / 1e6);
            }
            out.println("call outcomes:");
            ranked(outcomes).forEach(e -> out.printf(Locale.ROOT, "  %6d  %s%n", e.getValue(), e.getKey()));
            int transferCount = 0;
            for (final Map<String, Integer> byOutcome : transfers.values())
            {
                transferCount += byOutcome.values().stream().mapToInt(Integer::intValue).sum();
            }
            out.println("transfers " + transferCount + ":");
            transfers.forEach((kind, byOutcome) -> out.printf(Locale.ROOT, "  %-10s %s%n", kind,
                String.join("  ", byOutcome.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())));
            if (!transferFailures.isEmpty())
            {
                out.println("transfer failure reasons:");
                ranked(transferFailures).forEach(e -> out.printf(Locale.ROOT, "  %6d  %s%n", e.getValue(), e.getKey()));
            }
        }

        /** Most frequent first; ties in the order of the key. */
        private static List<Map.Entry<String, Integer>> ranked(final Map<String, Integer> counts)
        {
            final List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
            entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey()));
            return entries;
        }
    }
}
