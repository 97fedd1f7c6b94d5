package dev.referee.engine.media;

import java.net.InetAddress;

/**
 * The media relay as the engine drives it: the engine decides, the relay executes (docs/media.md). The commands of
 * {@code dev.referee.media.MediaCommands}, behind an interface so that the engine runs without a relay (media off, a
 * journal's replay before the node goes live) and so that tests see what it decided. Each method returns false when
 * the command could not be given (the relay's ring is full); the engine counts it and goes on.
 */
public interface MediaControl
{
    /** A relay that is not there: every command is dropped (media off, or a replay before the node goes live). */
    MediaControl NONE = new MediaControl()
    {
        @Override
        public boolean open(final long endpointId, final int rtpPort, final boolean strictSource, final long timeoutNs)
        {
            return true;
        }

        @Override
        public boolean peer(final long endpointId, final InetAddress address, final int rtpPort, final int rtcpPort,
            final boolean rtcpMux, final int clockRateHz)
        {
            return true;
        }

        @Override
        public boolean timeout(final long endpointId, final long timeoutNs)
        {
            return true;
        }

        @Override
        public boolean link(final long endpointId, final long otherEndpointId)
        {
            return true;
        }

        @Override
        public boolean close(final long endpointId)
        {
            return true;
        }

        @Override
        public boolean ringback(final long endpointId, final int payloadType)
        {
            return true;
        }
    };

    /** Payload type meaning "stop the ringback" in {@link #ringback}. */
    int NO_RINGBACK = -1;

    /** Binds the RTP port {@code rtpPort} and the RTCP port after it for the endpoint; timeout 0: never idle. */
    boolean open(long endpointId, int rtpPort, boolean strictSource, long timeoutNs);

    /** Where the endpoint's peer receives, from its SDP; null address: learnt from its first packet (latched). */
    boolean peer(long endpointId, InetAddress address, int rtpPort, int rtcpPort, boolean rtcpMux, int clockRateHz);

    /** A new silence timeout for the endpoint (answer, hold, unhold); 0 for never. */
    boolean timeout(long endpointId, long timeoutNs);

    /** Links two endpoints (each one's previous far side is unlinked): what one's peer sends goes to the other's. */
    boolean link(long endpointId, long otherEndpointId);

    /** Closes the endpoint's ports. */
    boolean close(long endpointId);

    /**
     * Plays ringback to the endpoint's peer in G.711 {@code payloadType} (0 or 8), nothing from its far side reaching
     * the peer meanwhile; {@link #NO_RINGBACK} stops it. A link of the endpoint stops it too.
     */
    boolean ringback(long endpointId, int payloadType);
}
