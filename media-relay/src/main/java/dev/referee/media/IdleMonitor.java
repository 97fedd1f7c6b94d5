package dev.referee.media;

/**
 * Finds the media sessions that went silent: an endpoint and the one linked to it both without a packet from their
 * peers for the longer of their two timeouts (the engine gives a held call {@code media.hold-timeout}; 0 on either is
 * never). Each pair is
 * checked from its endpoint with the lower id and reported once per silence; a report the ring had no room for is
 * tried again at the next scan. Run on the relay's slow tick: a scan of every endpoint, bounded by their number.
 */
final class IdleMonitor
{
    private final Endpoints endpoints;
    private final ReportPublisher reports;

    IdleMonitor(final Endpoints endpoints, final ReportPublisher reports)
    {
        this.endpoints = endpoints;
        this.reports = reports;
    }

    /** How many pairs were reported idle. */
    int scan(final long nowNs)
    {
        int reported = 0;
        for (final MediaEndpoint endpoint : endpoints.all())
        {
            final MediaEndpoint far = endpoint.far();
            if (far != null && far.id() < endpoint.id())
            {
                continue;
            }
            // 0 on either endpoint is "never" (a leg still ringing); else the longer timeout.
            final long timeoutNs = far == null ? endpoint.timeoutNs() : Math.max(endpoint.timeoutNs(), far.timeoutNs());
            if (endpoint.timeoutNs() <= 0 || (far != null && far.timeoutNs() <= 0))
            {
                continue;
            }
            final long lastNs = far == null ? endpoint.lastActivityNs() :
                Math.max(endpoint.lastActivityNs(), far.lastActivityNs());
            if (nowNs - lastNs >= timeoutNs && !endpoint.idleReportedFor(lastNs))
            {
                final boolean written = reports.idle(endpoint.id(), far == null ? Wire.NULL_ENDPOINT : far.id(),
                    lastNs, nowNs);
                endpoint.idleReportedFor(lastNs, written);
                reported += written ? 1 : 0;
            }
        }
        return reported;
    }
}
