package dev.referee.capture;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * HEP over UDP: one datagram per packet from a non-blocking socket connected to the collector. Connected so that
 * the kernel reports a collector that is down (ICMP port unreachable) as an error on a later send, which is counted,
 * rather than the datagrams vanishing unseen. A full socket buffer drops the packet.
 */
final class UdpHepSender implements HepSender
{
    private static final System.Logger LOGGER = System.getLogger(UdpHepSender.class.getName());

    private final InetSocketAddress collector;
    private DatagramChannel channel;
    private long nextAttemptNs;
    private boolean warned;

    UdpHepSender(final InetSocketAddress collector)
    {
        this.collector = collector;
    }

    @Override
    public boolean ready(final long nowNs)
    {
        if (channel == null && nowNs - nextAttemptNs >= 0)
        {
            open(nowNs);
        }
        return channel != null;
    }

    @Override
    public int send(final ByteBuffer packet, final long nowNs)
    {
        try
        {
            if (channel.write(packet) == 0)
            {
                return DROPPED;
            }
            warned = false;
            return SENT;
        }
        catch (final PortUnreachableException ex)
        {
            // Nothing listens at the collector's port: the kernel says so once per ICMP message it got.
            warnOnce("port unreachable");
            return ERROR;
        }
        catch (final IOException ex)
        {
            warnOnce(ex.toString());
            CloseHelper.quietClose(channel);
            channel = null;
            nextAttemptNs = nowNs + RETRY_NS;
            return ERROR;
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(channel);
        channel = null;
    }

    private void open(final long nowNs)
    {
        DatagramChannel opened = null;
        try
        {
            opened = DatagramChannel.open(collector.getAddress() instanceof Inet6Address ?
                StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            opened.configureBlocking(false);
            opened.connect(collector);
            channel = opened;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(opened);
            warnOnce(ex.toString());
            nextAttemptNs = nowNs + RETRY_NS;
        }
    }

    /** One line per outage, not one per message. */
    private void warnOnce(final String reason)
    {
        if (!warned)
        {
            warned = true;
            LOGGER.log(System.Logger.Level.WARNING, "HEP collector udp:" + collector.getAddress().getHostAddress() +
                ":" + collector.getPort() + ": " + reason + "; captured messages are counted as errors or dropped " +
                "until it answers");
        }
    }
}
