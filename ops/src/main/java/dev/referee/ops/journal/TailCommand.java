package dev.referee.ops.journal;

import dev.referee.journal.Journal;
import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.ops.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@code referee journal tail}: follows a journal, printing records as they are appended. */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Follow a journal and print each record as it is appended, until --count records or Ctrl-C.")
final class TailCommand implements Callable<Integer>
{
    /** How long to wait before looking again when the journal has nothing new. */
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(20);

    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Option(names = "--count", paramLabel = "N", defaultValue = "-1", description = "Stop after N records.")
    long count;

    @Option(names = "--from-start", description = "Start from the first retained record instead of the end.")
    boolean fromStart;

    @Option(names = "--no-ticks", description = "Do not print input-tick records.")
    boolean noTicks;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final WallClock clock = new WallClock();
        long printed = 0;
        try (Journal opened = Journal.openReadOnly(journal.dir);
            JournalReader reader = opened.newReader())
        {
            if (!fromStart)
            {
                // Skip to the end, still reading the clock anchors (node-start, recovered) to print wall times.
                JournalRecord skipped;
                while ((skipped = reader.next()) != null)
                {
                    clock.observe(skipped);
                }
            }
            while (count < 0 || printed < count)
            {
                final JournalRecord record = reader.next();
                if (record == null)
                {
                    out.flush();
                    LockSupport.parkNanos(IDLE_PARK_NS);
                    if (Thread.currentThread().isInterrupted())
                    {
                        break;
                    }
                    continue;
                }
                clock.observe(record);
                if (noTicks && record.type == dev.referee.journal.RecordType.INPUT_TICK)
                {
                    continue;
                }
                out.println(clock.format(record.timeNs) + " #" + Long.toHexString(record.index) + " " +
                    JournalFormatter.describe(record));
                printed++;
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
