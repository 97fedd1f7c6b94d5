package dev.referee.ops.node;

import dev.referee.media.EndpointStats;
import dev.referee.media.MediaReportListener;
import dev.referee.media.MediaReports;
import dev.referee.ring.MediaFigures;
import dev.referee.transport.InboundPublisher;
import org.agrona.collections.LongArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads what the media relay reports and gives the engine what it acts on as inputs (stamped here, journaled by the
 * pipeline like any input): a silent pair ({@code IDLE}) becomes {@code MEDIA_IDLE}, which ends the call with cause
 * media-timeout; a closed endpoint's final figures ({@code CLOSED}) become {@code MEDIA_STATS}, for the call records
 * and the journal. The other reports (opened, latched, statistics asked for) are not used yet (docs/media.md). One thread;
 * it parks 10 ms when the relay has nothing to say, since silences are reported at the relay's 100 ms tick.
 */
final class MediaReportReader implements MediaReportListener, AutoCloseable
{
    private static final int REPORTS_PER_POLL = 64;
    /** Silences waiting for room in the inbound ring, at most: one per endpoint of a full relay is plenty. */
    private static final int MAX_PENDING = 4096;
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final MediaReports reports;
    private final InboundPublisher inputs;
    private final LongArrayQueue pending = new LongArrayQueue();
    /** Closed endpoints' figures waiting for room in the inbound ring (at most MAX_PENDING), oldest first. */
    private final ArrayDeque<ClosedEndpoint> pendingFigures = new ArrayDeque<>();
    private final MediaFigures figures = new MediaFigures();
    private final Thread thread;
    private volatile boolean running = true;

    MediaReportReader(final MediaReports reports, final InboundPublisher inputs)
    {
        this.reports = reports;
        this.inputs = inputs;
        this.thread = new Thread(this::run, "referee-media-reports");
        thread.setDaemon(true);
    }

    MediaReportReader start()
    {
        thread.start();
        return this;
    }

    private void run()
    {
        while (running)
        {
            final int read = reports.poll(this, REPORTS_PER_POLL);
            final boolean caughtUp = publishPending();
            if (read == 0 && caughtUp)
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
            }
        }
    }

    @Override
    public void onIdle(final long endpointId, final long farEndpointId, final long lastPacketNs, final long timeNs)
    {
        if (pending.size() >= MAX_PENDING)
        {
            return; // the engine's ring refused this many for long: this silence is not reported again (IDLE is once)
        }
        pending.addLong(endpointId);
    }

    @Override
    public void onClosed(final long endpointId, final EndpointStats stats)
    {
        figures.set(stats.packets(), stats.bytes(), stats.rtcpPackets(), stats.lost(), stats.jitter(),
            stats.dropped(), stats.firstPacketNs(), stats.lastPacketNs());
        if (pendingFigures.isEmpty() && inputs.publishMediaStats(endpointId, figures, System.nanoTime()))
        {
            return;
        }
        if (pendingFigures.size() < MAX_PENDING)
        {
            // The ring is full: the figures wait (their call's record waits for them up to CallRecords.MEDIA_WAIT_NS).
            pendingFigures.addLast(new ClosedEndpoint(endpointId, new MediaFigures().set(figures)));
        }
    }

    /** Publishes what waits, oldest first, until the ring refuses; true when nothing is left. */
    private boolean publishPending()
    {
        while (!pendingFigures.isEmpty())
        {
            final ClosedEndpoint closed = pendingFigures.peekFirst();
            if (!inputs.publishMediaStats(closed.endpointId, closed.figures, System.nanoTime()))
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
                return false;
            }
            pendingFigures.pollFirst();
        }
        while (!pending.isEmpty())
        {
            if (!inputs.publishMediaIdle(pending.peekLong(), System.nanoTime()))
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
                return false;
            }
            pending.pollLong();
        }
        return true;
    }

    private record ClosedEndpoint(long endpointId, MediaFigures figures)
    {
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
