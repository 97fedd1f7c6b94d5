package dev.referee.cdr;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;

/**
 * The writer thread's duty cycle: takes events the engine published, builds call records and appends a line per leg
 * of each ended call, flushing once per batch. Returns each event slot to the pool as soon as it is read.
 */
final class CdrAgent implements Agent
{
    private static final int BATCH_LIMIT = 256;

    private final OneToOneConcurrentArrayQueue<CdrEvent> published;
    private final OneToOneConcurrentArrayQueue<CdrEvent> free;
    private final CallRecords records = new CallRecords(this::write);
    private final CdrJsonEncoder encoder;
    private final WallClockMapping clock;
    private final DailyCdrFiles files;
    /** The node's monotonic clock (engine times are on it): when records waiting for media figures are due. */
    private final LongSupplier nanoClock;
    private volatile long linesWritten;
    private volatile long unmatchedEvents;

    CdrAgent(
        final OneToOneConcurrentArrayQueue<CdrEvent> published,
        final OneToOneConcurrentArrayQueue<CdrEvent> free,
        final WallClockMapping clock,
        final DailyCdrFiles files,
        final LongSupplier nanoClock)
    {
        this.nanoClock = nanoClock;
        this.published = published;
        this.free = free;
        this.clock = clock;
        this.encoder = new CdrJsonEncoder(clock);
        this.files = files;
    }

    @Override
    public int doWork() throws IOException
    {
        int workCount = 0;
        CdrEvent event;
        while (workCount < BATCH_LIMIT && null != (event = published.poll()))
        {
            try
            {
                records.onEvent(event);
            }
            finally
            {
                free.offer(event);
            }
            workCount++;
        }

        final long written = linesWritten;
        records.expire(nanoClock.getAsLong());
        if (workCount > 0 || linesWritten != written)
        {
            // Counters first, so that whoever sees the lines in the file also sees the counts that go with them.
            unmatchedEvents = records.unmatchedEvents();
            files.flush();
        }
        return workCount;
    }

    /** Runs on the writer thread when it stops (or on the closing thread if it never started). */
    @Override
    public void onClose()
    {
        try
        {
            while (doWork() > 0)
            {
                // drain what the engine published before close
            }
            records.finishOpenCalls();
            files.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public String roleName()
    {
        return "cdr-writer";
    }

    long linesWritten()
    {
        return linesWritten;
    }

    long unmatchedEvents()
    {
        return unmatchedEvents;
    }

    private void write(final CallRecord record)
    {
        final long endOrStartNs = record.hasEnded() ? record.endNs : record.startNs;
        try
        {
            final StringBuilder out = files.lineFor(clock.epochDay(endOrStartNs));
            encoder.encode(out, record, CdrJsonEncoder.CALLER);
            encoder.encode(out, record, CdrJsonEncoder.CALLEE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        linesWritten += 2;
    }
}
