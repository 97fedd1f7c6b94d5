package dev.referee.media;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.net.InetSocketAddress;

/**
 * The relay thread's side of the report ring: encodes each report in place. A full ring never stalls forwarding:
 * the report is not written and each method returns false ({@link RelayCounters#reportsDropped} counts it), so a
 * caller that must be heard (idle) tries again on its next tick.
 */
final class ReportPublisher
{
    private final RingBuffer ring;
    private final AtomicBuffer buffer;
    private final RelayCounters counters;

    ReportPublisher(final RingBuffer ring, final RelayCounters counters)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.counters = counters;
    }

    boolean opened(final long endpointId, final int port)
    {
        return opened(Wire.OPENED, endpointId, port, 0);
    }

    boolean openFailed(final long endpointId, final int port, final MediaReportListener.OpenFailure reason)
    {
        return opened(Wire.OPEN_FAILED, endpointId, port, reason.ordinal());
    }

    /** Allocates the address bytes: once per latch, never per packet. */
    boolean latched(final long endpointId, final boolean rtcp, final InetSocketAddress source, final long nowNs)
    {
        final int index = claim(Wire.LATCHED, Wire.LATCHED_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.LATCHED_RTCP, rtcp ? 1 : 0);
        buffer.putInt(index + Wire.LATCHED_PORT, source.getPort());
        buffer.putLong(index + Wire.LATCHED_TIME, nowNs);
        Wire.putAddress(buffer, index + Wire.LATCHED_ADDRESS, source.getAddress());
        ring.commit(index);
        return true;
    }

    boolean idle(final long endpointId, final long farEndpointId, final long lastPacketNs, final long nowNs)
    {
        final int index = claim(Wire.IDLE, Wire.IDLE_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putLong(index + Wire.IDLE_FAR, farEndpointId);
        buffer.putLong(index + Wire.IDLE_LAST, lastPacketNs);
        buffer.putLong(index + Wire.IDLE_TIME, nowNs);
        ring.commit(index);
        return true;
    }

    /** STATS_REPORT or CLOSED. */
    boolean stats(final int type, final MediaEndpoint endpoint, final long nowNs)
    {
        final int index = claim(type, Wire.STATS_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        final RtpStats stats = endpoint.stats();
        buffer.putLong(index + Wire.ENDPOINT, endpoint.id());
        buffer.putLong(index + Wire.STATS_PACKETS, stats.packets());
        buffer.putLong(index + Wire.STATS_BYTES, stats.bytes());
        buffer.putLong(index + Wire.STATS_RTCP, stats.rtcpPackets());
        buffer.putLong(index + Wire.STATS_LOST, stats.lost());
        buffer.putLong(index + Wire.STATS_JITTER, stats.jitter());
        buffer.putLong(index + Wire.STATS_FIRST, stats.firstNs());
        buffer.putLong(index + Wire.STATS_LAST, stats.lastNs());
        buffer.putLong(index + Wire.STATS_DROPPED, endpoint.dropped());
        buffer.putLong(index + Wire.STATS_TIME, nowNs);
        ring.commit(index);
        return true;
    }

    boolean refused(final long endpointId, final int commandType)
    {
        final int index = claim(Wire.REFUSED, Wire.REFUSED_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.REFUSED_COMMAND, commandType);
        ring.commit(index);
        return true;
    }

    private boolean opened(final int type, final long endpointId, final int port, final int reason)
    {
        final int index = claim(type, Wire.OPENED_LENGTH);
        if (index <= 0)
        {
            return false;
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.OPENED_PORT, port);
        buffer.putInt(index + Wire.OPENED_REASON, reason);
        ring.commit(index);
        return true;
    }

    private int claim(final int type, final int length)
    {
        final int index = ring.tryClaim(type, length);
        if (index <= 0)
        {
            counters.reportDropped();
        }
        return index;
    }
}
