package dev.referee.media;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's side of the command ring: each method encodes one command in place and returns at once, true when
 * it is in the ring, false when the ring is full (nothing was written, {@link #refused()} counts it; the engine
 * decides what that means, for a new call a 503). It never waits for the relay thread.
 * <p>
 * Single writer: the engine thread only (a one-to-one ring). Endpoint ids are the engine's own (a leg's id); the
 * relay answers through {@link MediaReports}.
 */
public final class MediaCommands
{
    private final RingBuffer ring;
    private final AtomicBuffer buffer;
    private final Runnable wakeRelay;
    private final AtomicLong refused = new AtomicLong();

    MediaCommands(final RingBuffer ring, final Runnable wakeRelay)
    {
        this.ring = ring;
        this.buffer = ring.buffer();
        this.wakeRelay = wakeRelay;
    }

    /**
     * Opens an endpoint: binds its RTP port and the RTCP port after it on the relay's address. Its peer is unknown
     * (latched from the first packet) until {@link #peer}. {@code timeoutNs}: how long the endpoint and the one it
     * is linked to may both be silent before an idle report; 0 for never. Answered by OPENED or OPEN_FAILED.
     */
    public boolean open(final long endpointId, final int localRtpPort, final boolean strictSource,
        final long timeoutNs)
    {
        final int index = ring.tryClaim(Wire.OPEN, Wire.OPEN_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.OPEN_PORT, localRtpPort);
        buffer.putInt(index + Wire.OPEN_FLAGS, strictSource ? Wire.FLAG_STRICT_SOURCE : 0);
        buffer.putLong(index + Wire.OPEN_TIMEOUT, timeoutNs);
        return commit(index);
    }

    /**
     * Where the endpoint's peer said it receives (its SDP: {@code c=}, the {@code m=} port, {@code a=rtcp}, or the
     * RTP port + 1), whether the leg negotiated rtcp-mux (RTCP then on the RTP ports both ways) and the RTP clock
     * rate of its codec (for jitter; 0 when unknown). Forgets what was latched: the next packet latches again.
     */
    public boolean peer(final long endpointId, final InetAddress address, final int rtpPort, final int rtcpPort,
        final boolean rtcpMux, final int clockRateHz)
    {
        final int index = ring.tryClaim(Wire.PEER, Wire.PEER_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.PEER_RTP_PORT, rtpPort);
        buffer.putInt(index + Wire.PEER_RTCP_PORT, rtcpPort);
        buffer.putInt(index + Wire.PEER_CLOCK_RATE, clockRateHz);
        buffer.putInt(index + Wire.PEER_FLAGS, rtcpMux ? Wire.FLAG_RTCP_MUX : 0);
        Wire.putAddress(buffer, index + Wire.PEER_ADDRESS, address);
        return commit(index);
    }

    /** A new silence timeout for the endpoint (hold and unhold); 0 for never. */
    public boolean timeout(final long endpointId, final long timeoutNs)
    {
        final int index = ring.tryClaim(Wire.TIMEOUT, Wire.TIMEOUT_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putLong(index + Wire.TIMEOUT_NS, timeoutNs);
        return commit(index);
    }

    /**
     * Joins two endpoints: what one's peer sends goes out of the other's ports to the other's peer, both ways. An
     * endpoint linked elsewhere before is unlinked from its old far side in the same step (re-anchoring on a
     * transfer: {@code link(transferee, target)}); from then on nothing of the old far side reaches it.
     */
    public boolean link(final long endpointId, final long otherEndpointId)
    {
        final int index = ring.tryClaim(Wire.LINK, Wire.LINK_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putLong(index + Wire.LINK_OTHER, otherEndpointId);
        return commit(index);
    }

    /** Unlinks the endpoint from its far side: its packets are dropped (counted) until a new link. */
    public boolean unlink(final long endpointId)
    {
        return link(endpointId, Wire.NULL_ENDPOINT);
    }

    /**
     * Plays ringback to the endpoint's peer (a transferee while its transfer's target rings): a generated tone in
     * {@code payloadType}, 0 (PCMU) or 8 (PCMA), every 20 ms out of the endpoint's RTP port; nothing from its far side
     * reaches the peer meanwhile. A link of the endpoint, {@link #stopRingback} or its close stops it.
     */
    public boolean ringback(final long endpointId, final int payloadType)
    {
        final int index = ring.tryClaim(Wire.RINGBACK, Wire.RINGBACK_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        buffer.putInt(index + Wire.RINGBACK_PAYLOAD_TYPE, payloadType);
        return commit(index);
    }

    /** Stops the endpoint's ringback: what its far side sends reaches its peer again. */
    public boolean stopRingback(final long endpointId)
    {
        return ringback(endpointId, Wire.NO_RINGBACK);
    }

    /** Asks for the endpoint's statistics now (a STATS report). */
    public boolean stats(final long endpointId)
    {
        return idCommand(Wire.STATS, endpointId);
    }

    /** Closes the endpoint's ports (then free to allocate again) and unlinks it; CLOSED carries its final figures. */
    public boolean close(final long endpointId)
    {
        return idCommand(Wire.CLOSE, endpointId);
    }

    /** Commands not written because the ring was full. Any thread. */
    public long refused()
    {
        return refused.get();
    }

    private boolean idCommand(final int type, final long endpointId)
    {
        final int index = ring.tryClaim(type, Wire.ID_LENGTH);
        if (index <= 0)
        {
            return refuse();
        }
        buffer.putLong(index + Wire.ENDPOINT, endpointId);
        return commit(index);
    }

    private boolean commit(final int index)
    {
        ring.commit(index);
        wakeRelay.run();
        return true;
    }

    private boolean refuse()
    {
        refused.lazySet(refused.get() + 1);
        return false;
    }
}
