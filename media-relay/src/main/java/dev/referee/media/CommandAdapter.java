package dev.referee.media;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Takes the engine's commands off the command ring and applies them to the endpoints, answering through the
 * reports. Relay thread only: commands apply between two packets, so a re-link is atomic for the forwarding path
 * (no packet sees half of it). A command naming an endpoint that is not open is refused and reported, never
 * ignored silently.
 */
final class CommandAdapter
{
    /** Commands applied per duty cycle, so that a burst of new calls does not hold up forwarding for long. */
    static final int BATCH = 64;

    private final RingBuffer ring;
    private final Endpoints endpoints;
    private final ReportPublisher reports;
    private final RelayCounters counters;
    private final RingbackPlayer ringback;
    private final MessageHandler handler = this::onCommand;
    private long nowNs;

    CommandAdapter(final RingBuffer ring, final Endpoints endpoints, final ReportPublisher reports,
        final RelayCounters counters, final RingbackPlayer ringback)
    {
        this.ringback = ringback;
        this.ring = ring;
        this.endpoints = endpoints;
        this.reports = reports;
        this.counters = counters;
    }

    /** Applies up to {@link #BATCH} commands; how many. */
    int poll(final long nowNs)
    {
        this.nowNs = nowNs;
        return ring.read(handler, BATCH);
    }

    private void onCommand(final int type, final DirectBuffer buffer, final int index, final int length)
    {
        final long id = buffer.getLong(index + Wire.ENDPOINT);
        if (type == Wire.OPEN)
        {
            open(id, buffer.getInt(index + Wire.OPEN_PORT),
                (buffer.getInt(index + Wire.OPEN_FLAGS) & Wire.FLAG_STRICT_SOURCE) != 0,
                buffer.getLong(index + Wire.OPEN_TIMEOUT));
            return;
        }
        final MediaEndpoint endpoint = endpoints.get(id);
        if (endpoint == null)
        {
            refuse(id, type);
            return;
        }
        switch (type)
        {
            case Wire.PEER -> peer(endpoint, buffer, index);
            case Wire.TIMEOUT -> endpoint.timeoutNs(buffer.getLong(index + Wire.TIMEOUT_NS));
            case Wire.LINK -> link(endpoint, buffer.getLong(index + Wire.LINK_OTHER));
            case Wire.STATS -> reports.stats(Wire.STATS_REPORT, endpoint, nowNs);
            case Wire.CLOSE -> close(endpoint);
            case Wire.RINGBACK -> ringback(endpoint, buffer.getInt(index + Wire.RINGBACK_PAYLOAD_TYPE));
            default -> refuse(id, type);
        }
        counters.endpoints(endpoints.size());
    }

    private void open(final long id, final int port, final boolean strictSource, final long timeoutNs)
    {
        if (endpoints.get(id) != null)
        {
            openFailed(id, port, MediaReportListener.OpenFailure.DUPLICATE_ID);
            return;
        }
        if (endpoints.isFull())
        {
            openFailed(id, port, MediaReportListener.OpenFailure.TOO_MANY_ENDPOINTS);
            return;
        }
        try
        {
            endpoints.open(id, port, strictSource, timeoutNs, nowNs);
            counters.endpoints(endpoints.size());
            reports.opened(id, port);
        }
        catch (final IOException ex)
        {
            openFailed(id, port, MediaReportListener.OpenFailure.BIND_FAILED);
        }
    }

    private void openFailed(final long id, final int port, final MediaReportListener.OpenFailure reason)
    {
        counters.openFailed();
        reports.openFailed(id, port, reason);
    }

    private static void peer(final MediaEndpoint endpoint, final DirectBuffer buffer, final int index)
    {
        final InetAddress address = Wire.getAddress(buffer, index + Wire.PEER_ADDRESS);
        final int rtpPort = buffer.getInt(index + Wire.PEER_RTP_PORT);
        final int rtcpPort = buffer.getInt(index + Wire.PEER_RTCP_PORT);
        endpoint.peer(address == null || rtpPort <= 0 ? null : new InetSocketAddress(address, rtpPort),
            address == null || rtcpPort <= 0 ? null : new InetSocketAddress(address, rtcpPort),
            (buffer.getInt(index + Wire.PEER_FLAGS) & Wire.FLAG_RTCP_MUX) != 0,
            buffer.getInt(index + Wire.PEER_CLOCK_RATE));
    }

    /**
     * Both ends unlinked from whatever they were linked to, then to each other: one step, between two packets. A link
     * ends the ringback of both (a transfer's join: the transferee hears the target from the next packet).
     */
    private void link(final MediaEndpoint endpoint, final long otherId)
    {
        final MediaEndpoint other = otherId == Wire.NULL_ENDPOINT ? null : endpoints.get(otherId);
        if (otherId != Wire.NULL_ENDPOINT && (other == null || other == endpoint))
        {
            refuse(otherId, Wire.LINK);
            return;
        }
        unlink(endpoint);
        ringback.stop(endpoint);
        if (other != null)
        {
            unlink(other);
            ringback.stop(other);
            other.far(endpoint);
        }
        endpoint.far(other);
    }

    private void ringback(final MediaEndpoint endpoint, final int payloadType)
    {
        if (payloadType == Wire.NO_RINGBACK)
        {
            ringback.stop(endpoint);
        }
        else if (!ringback.start(endpoint, payloadType, nowNs))
        {
            refuse(endpoint.id(), Wire.RINGBACK); // not G.711: the engine asks only for PCMU and PCMA
        }
    }

    private static void unlink(final MediaEndpoint endpoint)
    {
        final MediaEndpoint old = endpoint.far();
        if (old != null)
        {
            old.far(null);
            endpoint.far(null);
        }
    }

    private void close(final MediaEndpoint endpoint)
    {
        unlink(endpoint);
        ringback.stop(endpoint);
        endpoints.close(endpoint);
        reports.stats(Wire.CLOSED, endpoint, nowNs);
    }

    private void refuse(final long id, final int type)
    {
        counters.commandRefused();
        reports.refused(id, type);
    }
}
