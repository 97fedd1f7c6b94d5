package dev.referee.media;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every report the relay made, copied out of the flyweights. */
final class RecordedReports implements MediaReportListener
{
    record Latch(long endpointId, boolean rtcp, InetSocketAddress source, long timeNs)
    {
    }

    record Idle(long endpointId, long farEndpointId, long lastPacketNs, long timeNs)
    {
    }

    record Figures(long packets, long bytes, long rtcpPackets, long lost, long jitter, long firstNs, long lastNs,
        long dropped)
    {
        static Figures of(final EndpointStats stats)
        {
            return new Figures(stats.packets(), stats.bytes(), stats.rtcpPackets(), stats.lost(), stats.jitter(),
                stats.firstPacketNs(), stats.lastPacketNs(), stats.dropped());
        }
    }

    final List<Long> opened = new ArrayList<>();
    final Map<Long, OpenFailure> openFailed = new HashMap<>();
    final List<Latch> latched = new ArrayList<>();
    final List<Idle> idle = new ArrayList<>();
    final Map<Long, Figures> stats = new HashMap<>();
    final Map<Long, Figures> closed = new HashMap<>();
    final List<Long> refused = new ArrayList<>();

    @Override
    public void onOpened(final long endpointId, final int localRtpPort)
    {
        opened.add(endpointId);
    }

    @Override
    public void onOpenFailed(final long endpointId, final int localRtpPort, final OpenFailure reason)
    {
        openFailed.put(endpointId, reason);
    }

    @Override
    public void onLatched(final long endpointId, final boolean rtcp, final InetSocketAddress source,
        final long timeNs)
    {
        latched.add(new Latch(endpointId, rtcp, source, timeNs));
    }

    @Override
    public void onIdle(final long endpointId, final long farEndpointId, final long lastPacketNs, final long timeNs)
    {
        idle.add(new Idle(endpointId, farEndpointId, lastPacketNs, timeNs));
    }

    @Override
    public void onStats(final long endpointId, final EndpointStats figures)
    {
        stats.put(endpointId, Figures.of(figures));
    }

    @Override
    public void onClosed(final long endpointId, final EndpointStats figures)
    {
        closed.put(endpointId, Figures.of(figures));
    }

    @Override
    public void onRefused(final long endpointId, final int commandType)
    {
        refused.add(endpointId);
    }
}
