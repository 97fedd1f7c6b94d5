package dev.referee.capture;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * HEP over TCP: one non-blocking connection to the collector, packets back to back on the stream. Connecting,
 * or with a partly written packet still waiting for room in the socket buffer, it takes no new packet (the agent
 * drops them): a packet is never interleaved with another. A connection that fails or breaks is tried again after
 * {@link #RETRY_NS}; the packet in flight when it broke is lost.
 */
final class TcpHepSender implements HepSender
{
    private static final System.Logger LOGGER = System.getLogger(TcpHepSender.class.getName());

    private final InetSocketAddress collector;
    /** What a partial write left of the last packet; empty (position == limit) when nothing waits. */
    private final ByteBuffer pending = ByteBuffer.allocateDirect(HepEncoder.MAX_PACKET_LENGTH).limit(0);
    private SocketChannel channel;
    private boolean connected;
    private long nextAttemptNs;
    private boolean warned;

    TcpHepSender(final InetSocketAddress collector)
    {
        this.collector = collector;
    }

    @Override
    public boolean ready(final long nowNs)
    {
        try
        {
            if (channel == null)
            {
                if (nowNs - nextAttemptNs < 0)
                {
                    return false;
                }
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connected = channel.connect(collector);
            }
            if (!connected)
            {
                connected = channel.finishConnect();
                if (!connected)
                {
                    return false;
                }
            }
            if (warned)
            {
                warned = false;
                LOGGER.log(System.Logger.Level.INFO, "HEP collector " + name() + " connected");
            }
            if (pending.hasRemaining())
            {
                channel.write(pending);
            }
            return !pending.hasRemaining();
        }
        catch (final IOException ex)
        {
            fail(nowNs, ex);
            return false;
        }
    }

    @Override
    public int send(final ByteBuffer packet, final long nowNs)
    {
        try
        {
            channel.write(packet);
            if (packet.hasRemaining())
            {
                pending.clear();
                pending.put(packet).flip();
            }
            return SENT;
        }
        catch (final IOException ex)
        {
            fail(nowNs, ex);
            return ERROR;
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(channel);
        channel = null;
        connected = false;
    }

    private void fail(final long nowNs, final IOException ex)
    {
        close();
        pending.clear().limit(0);
        nextAttemptNs = nowNs + RETRY_NS;
        if (!warned)
        {
            warned = true;
            LOGGER.log(System.Logger.Level.WARNING, "HEP collector " + name() + ": " + ex.getMessage() +
                "; captured messages are dropped (counted) until it answers, tried again every second");
        }
    }

    private String name()
    {
        return "tcp:" + collector.getAddress().getHostAddress() + ":" + collector.getPort();
    }
}
