package dev.referee.ops.node;

import dev.referee.media.EndpointStats;
import dev.referee.media.MediaReportListener;
import dev.referee.media.MediaReports;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.MediaFigures;
import dev.referee.transport.InboundPublisher;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads what the media relay reports and gives the engine what it acts on as inputs (stamped here, journaled by the
 * pipeline like any input): a silent pair ({@code IDLE}) becomes {@code MEDIA_IDLE}, which ends the call with cause
 * media-timeout; an endpoint that could not be opened ({@code OPEN_FAILED}) becomes {@code MEDIA_OPEN_FAILED}, which
 * fails its call (cause media-failed); a closed endpoint's final figures ({@code CLOSED}) become {@code MEDIA_STATS},
 * for the call records and the journal. The other reports (opened, latched, statistics asked for) are not used
 * (docs/media.md). One thread; it parks 10 ms when the relay has nothing to say, since silences are reported at the
 * relay's 100 ms tick. Reports the inbound ring has no room for wait, in order, at most {@link #MAX_PENDING}.
 */
final class MediaReportReader implements MediaReportListener, AutoCloseable
{
    private static final int REPORTS_PER_POLL = 64;
    /** Reports waiting for room in the inbound ring, at most: one per endpoint of a full relay is plenty. */
    private static final int MAX_PENDING = 4096;
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final MediaReports reports;
    private final InboundPublisher inputs;
    private final ArrayDeque<Report> pending = new ArrayDeque<>();
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
        offer(new Report(InboundEvent.MEDIA_IDLE, endpointId, 0, 0, null));
    }

    @Override
    public void onOpenFailed(final long endpointId, final int localRtpPort, final OpenFailure reason)
    {
        offer(new Report(InboundEvent.MEDIA_OPEN_FAILED, endpointId, localRtpPort, reason.ordinal(), null));
    }

    @Override
    public void onClosed(final long endpointId, final EndpointStats stats)
    {
        figures.set(stats.packets(), stats.bytes(), stats.rtcpPackets(), stats.lost(), stats.jitter(),
            stats.dropped(), stats.firstPacketNs(), stats.lastPacketNs());
        if (pending.isEmpty() && inputs.publishMediaStats(endpointId, figures, System.nanoTime()))
        {
            return; // the common case allocates nothing
        }
        offer(new Report(InboundEvent.MEDIA_STATS, endpointId, 0, 0, new MediaFigures().set(figures)));
    }

    private void offer(final Report report)
    {
        if (pending.size() < MAX_PENDING)
        {
            pending.addLast(report);
        }
        // else: the engine's ring refused this many for long; the report is lost (an IDLE is not sent again, a call
        // record is written without these figures, a call whose ports failed ends at its media timeout)
    }

    /** Publishes what waits, oldest first, until the ring refuses; true when nothing is left. */
    private boolean publishPending()
    {
        while (!pending.isEmpty())
        {
            if (!publish(pending.peekFirst()))
            {
                LockSupport.parkNanos(IDLE_PARK_NS);
                return false;
            }
            pending.pollFirst();
        }
        return true;
    }

    private boolean publish(final Report report)
    {
        final long now = System.nanoTime();
        return switch (report.type)
        {
            case InboundEvent.MEDIA_IDLE -> inputs.publishMediaIdle(report.endpointId, now);
            case InboundEvent.MEDIA_OPEN_FAILED ->
                inputs.publishMediaOpenFailed(report.endpointId, report.rtpPort, report.failure, now);
            default -> inputs.publishMediaStats(report.endpointId, report.figures, now);
        };
    }

    /** A report waiting for room in the ring: its {@link InboundEvent} type and what that input carries. */
    private record Report(int type, long endpointId, int rtpPort, int failure, MediaFigures figures)
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
