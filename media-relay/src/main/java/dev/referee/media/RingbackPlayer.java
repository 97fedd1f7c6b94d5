package dev.referee.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays ringback ({@link RingbackTone}) to the peers of the endpoints it was asked to, out of each endpoint's RTP
 * port, one 20 ms frame per endpoint when due: RTP with its own SSRC (from the endpoint id), sequence numbers and
 * timestamps from 0, the marker bit on the first packet (RFC 3551 §4.1: a talkspurt starts). While an endpoint plays, nothing from its far
 * side is forwarded to it (PacketForwarder reads {@link MediaEndpoint#ringback()}): the transferee hears the tone, not the
 * transferor's hold music under it. A link or a close of the endpoint stops it. Relay thread only.
 */
final class RingbackPlayer
{
    static final long FRAME_NS = 20_000_000L;
    /** A relay late by more than this (a stall) skips frames rather than sending a burst of them. */
    private static final long MAX_CATCH_UP_NS = 5 * FRAME_NS;
    private static final int RTP_HEADER = 12;

    private final List<Playing> playing = new ArrayList<>();
    private final ByteBuffer packet = ByteBuffer.allocateDirect(RTP_HEADER + RingbackTone.SAMPLES_PER_FRAME);
    private final RelayCounters counters;

    RingbackPlayer(final RelayCounters counters)
    {
        this.counters = counters;
    }

    /** Starts (or restarts with {@code payloadType}) ringback toward the endpoint's peer; false for a non-G.711 type. */
    boolean start(final MediaEndpoint endpoint, final int payloadType, final long nowNs)
    {
        if (G711.codecOf(payloadType) < 0)
        {
            return false;
        }
        stop(endpoint);
        playing.add(new Playing(endpoint, payloadType, nowNs));
        endpoint.ringback(true);
        return true;
    }

    void stop(final MediaEndpoint endpoint)
    {
        if (endpoint.ringback())
        {
            endpoint.ringback(false);
            playing.removeIf(p -> p.endpoint == endpoint);
        }
    }

    /** Endpoints playing now. */
    int size()
    {
        return playing.size();
    }

    /** When the next frame is due, or Long.MAX_VALUE when nothing plays. */
    long nextDueNs()
    {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < playing.size(); i++)
        {
            next = Math.min(next, playing.get(i).dueNs);
        }
        return next;
    }

    /** Sends the frames due by {@code nowNs}; how many. */
    int play(final long nowNs)
    {
        int sent = 0;
        for (int i = 0; i < playing.size(); i++)
        {
            final Playing p = playing.get(i);
            if (nowNs - p.dueNs > MAX_CATCH_UP_NS)
            {
                final long behind = (nowNs - p.dueNs) / FRAME_NS;
                p.skip(behind);
            }
            while (nowNs - p.dueNs >= 0)
            {
                sent += send(p) ? 1 : 0;
                p.next();
            }
        }
        return sent;
    }

    private boolean send(final Playing p)
    {
        final InetSocketAddress peer = p.endpoint.peerRtp();
        if (peer == null)
        {
            return false;
        }
        packet.clear();
        packet.put((byte)0x80).put((byte)(p.first ? 0x80 | p.payloadType : p.payloadType))
            .putShort((short)p.sequence).putInt(p.timestamp).putInt(p.ssrc);
        packet.put(RingbackTone.cycleOf(p.payloadType), p.frame * RingbackTone.SAMPLES_PER_FRAME,
            RingbackTone.SAMPLES_PER_FRAME);
        packet.flip();
        final DatagramChannel channel = p.endpoint.rtp();
        try
        {
            if (channel.send(packet, peer) == 0)
            {
                counters.sendFailed();
                return false;
            }
            counters.ringback(1);
            return true;
        }
        catch (final IOException ex)
        {
            counters.sendFailed();
            return false;
        }
    }

    private static final class Playing
    {
        final MediaEndpoint endpoint;
        final int payloadType;
        final int ssrc;
        long dueNs;
        int sequence;
        int timestamp;
        int frame;
        boolean first = true;

        Playing(final MediaEndpoint endpoint, final int payloadType, final long nowNs)
        {
            this.endpoint = endpoint;
            this.payloadType = payloadType;
            this.ssrc = (int)(endpoint.id() * 0x9E3779B97F4A7C15L >>> 32) | 1;
            this.dueNs = nowNs;
        }

        void next()
        {
            first = false;
            dueNs += FRAME_NS;
            sequence = (sequence + 1) & 0xFFFF;
            timestamp += RingbackTone.SAMPLES_PER_FRAME;
            frame = (frame + 1) % RingbackTone.FRAMES_PER_CYCLE;
        }

        /** {@code frames} not sent (a stall): the stream's clock moves on as if they had been. */
        void skip(final long frames)
        {
            dueNs += frames * FRAME_NS;
            sequence = (int)((sequence + frames) & 0xFFFF);
            timestamp += (int)(frames * RingbackTone.SAMPLES_PER_FRAME);
            frame = (int)((frame + frames) % RingbackTone.FRAMES_PER_CYCLE);
        }
    }
}
