package dev.referee.media;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * The forwarding path: reads the datagrams waiting on one of an endpoint's sockets into the one preallocated
 * direct buffer, checks the source, counts them and sends each out of the far endpoint's socket to the far peer,
 * unchanged. Relay thread only.
 * <p>
 * Nothing is allocated per packet: the buffer is reused, the RTP fields are read in place, and the JDK's
 * {@link DatagramChannel#receive} hands back the same {@link InetSocketAddress} object while the source does not
 * change (it caches the last sender), which is the steady state of a media stream.
 */
final class PacketForwarder
{
    /** Room for any UDP payload, so a datagram is never truncated (RTP with video can exceed the Ethernet MTU). */
    static final int BUFFER_BYTES = 65_536;
    /** Datagrams read from one socket per readiness before the next socket's turn: fairness between calls. */
    static final int BATCH = 1;

    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ReportPublisher reports;
    private final RelayCounters counters;

    PacketForwarder(final ReportPublisher reports, final RelayCounters counters)
    {
        this.reports = reports;
        this.counters = counters;
    }

    /** Relays what is waiting on the endpoint's RTP or RTCP socket (up to {@link #BATCH}); how many were read. */
    int drain(final MediaEndpoint in, final boolean rtcpSocket, final long nowNs)
    {
        final DatagramChannel channel = rtcpSocket ? in.rtcp() : in.rtp();
        int read = 0;
        while (read < BATCH)
        {
            buffer.clear();
            final InetSocketAddress source;
            try
            {
                source = (InetSocketAddress)channel.receive(buffer);
            }
            catch (final IOException ex)
            {
                // An unconnected UDP socket reports no ICMP errors; anything here is the socket's own failure.
                counters.dropped(1);
                break;
            }
            if (source == null)
            {
                break;
            }
            read++;
            buffer.flip();
            forward(in, rtcpSocket, source, nowNs);
        }
        return read;
    }

    private void forward(final MediaEndpoint in, final boolean rtcpSocket, final InetSocketAddress source,
        final long nowNs)
    {
        final int length = buffer.remaining();
        final int verdict = in.accept(rtcpSocket, source);
        if (verdict == MediaEndpoint.FOREIGN)
        {
            drop(in);
            return;
        }
        if (verdict == MediaEndpoint.LATCHED)
        {
            reports.latched(in.id(), rtcpSocket, source, nowNs);
        }
        in.active(nowNs);
        final boolean rtcp = rtcpSocket || RtpHeader.isRtcp(buffer, length);
        if (!rtcp && RtpHeader.isRtp(buffer, length))
        {
            in.stats().onRtp(length, RtpHeader.sequence(buffer), RtpHeader.timestamp(buffer),
                RtpHeader.ssrc(buffer), nowNs);
        }
        else
        {
            in.stats().onOther(length, nowNs);
        }

        final MediaEndpoint out = in.far();
        if (out == null || out.ringback())
        {
            // No far side, or its peer hears ringback now (the transferor's hold music is not mixed into it).
            drop(in);
            return;
        }
        // RTCP keeps to the far side's RTCP port unless that leg muxes it onto RTP (RFC 5761).
        final boolean toRtcp = rtcp && !out.rtcpMux();
        final InetSocketAddress target = toRtcp ? out.peerRtcp() : out.peerRtp();
        if (target == null)
        {
            drop(in);
            return;
        }
        send(toRtcp ? out.rtcp() : out.rtp(), target);
    }

    private void send(final DatagramChannel channel, final InetSocketAddress target)
    {
        try
        {
            if (channel.send(buffer, target) == 0)
            {
                counters.sendFailed();
                return;
            }
            counters.relayed(1);
        }
        catch (final IOException ex)
        {
            counters.sendFailed();
        }
    }

    private void drop(final MediaEndpoint in)
    {
        in.drop();
        counters.dropped(1);
    }
}
