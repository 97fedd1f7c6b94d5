package dev.referee.media;

import java.net.InetSocketAddress;

/**
 * What the relay reports, decoded by {@link MediaReports#poll}: the engine turns each into an input (stamped when
 * received, journaled) rather than acting on it from the reading thread. Times are the relay's clock.
 */
public interface MediaReportListener
{
    /** Why an endpoint could not be opened. */
    enum OpenFailure
    {
        /** The port pair could not be bound (another process holds it). */
        BIND_FAILED,
        /** The relay holds as many endpoints as it was built for. */
        TOO_MANY_ENDPOINTS,
        /** An endpoint with this id is open already. */
        DUPLICATE_ID
    }

    /** The endpoint's ports are bound and it relays. */
    default void onOpened(final long endpointId, final int localRtpPort)
    {
    }

    /** The endpoint was not opened; nothing of it remains in the relay. */
    default void onOpenFailed(final long endpointId, final int localRtpPort, final OpenFailure reason)
    {
    }

    /** The first packet from the endpoint's peer (on RTP, or on RTCP when not muxed) fixed where it is sent to. */
    default void onLatched(final long endpointId, final boolean rtcp, final InetSocketAddress source,
        final long timeNs)
    {
    }

    /**
     * Neither the endpoint nor the one linked to it ({@code farEndpointId}, or -1) received a packet for the
     * timeout: the call has no media (cause media-timeout). Reported once until a packet comes again.
     */
    default void onIdle(final long endpointId, final long farEndpointId, final long lastPacketNs, final long timeNs)
    {
    }

    /** Statistics asked for with {@link MediaCommands#stats}. */
    default void onStats(final long endpointId, final EndpointStats stats)
    {
    }

    /** The endpoint is closed; its final statistics. */
    default void onClosed(final long endpointId, final EndpointStats stats)
    {
    }

    /** A command named an endpoint the relay does not have (type: the command's {@code Wire} type). */
    default void onRefused(final long endpointId, final int commandType)
    {
    }
}
