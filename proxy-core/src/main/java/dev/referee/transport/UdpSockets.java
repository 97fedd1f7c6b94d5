package dev.referee.transport;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UDP transport's sockets, and which one a datagram leaves from: a listening socket per {@code listen} entry,
 * and for each watched peer a socket bound to the listening address and port of its family and connected to it
 * (SO_REUSEPORT on both), the one socket Linux tells of that peer's ICMP port unreachable (see {@link UdpTransport}).
 * Opened and closed on the owning thread; read-only after {@link #bind}, so the receive and send threads that start
 * after it share it.
 */
final class UdpSockets implements AutoCloseable
{
    /**
     * Socket buffers asked of the kernel (it caps them at net.core.rmem_max / wmem_max). Linux's default of 208 KiB
     * holds about 400 SIP messages: at 800 calls/s a receive thread kept off the CPU for half a second (JIT at
     * start, a busy 2-core machine) lost datagrams, and calls whose 180 and 200 were all dropped failed. 4 MiB rides
     * out several seconds of that, as Kamailio's udp_rcvbuf probing does.
     */
    static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    /** Told of every socket opened, with the local address it reads from: the transport registers it for reading. */
    interface Opened
    {
        void opened(DatagramChannel channel, InetSocketAddress local) throws IOException;
    }

    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
    private final Map<InetSocketAddress, DatagramChannel> connectedByPeer = new HashMap<>();
    private List<InetSocketAddress> watched = List.of();
    private DatagramChannel ipv4Channel;
    private DatagramChannel ipv6Channel;
    private InetSocketAddress ipv4Local;
    private InetSocketAddress ipv6Local;

    /** The peers to connect a socket to at {@link #bind}. */
    void watch(final List<InetSocketAddress> peers)
    {
        watched = List.copyOf(peers);
    }

    /**
     * Opens and binds every address of {@code requested}, then the watched peers' connected sockets, telling
     * {@code opened} of each.
     *
     * @throws IOException naming the address that could not be bound.
     */
    void bind(final List<InetSocketAddress> requested, final Opened opened) throws IOException
    {
        final boolean sharePort = !watched.isEmpty();
        for (final InetSocketAddress address : requested)
        {
            final DatagramChannel channel = DatagramChannel.open(family(address));
            channels.add(channel);
            try
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
                if (sharePort)
                {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                channel.bind(address);
                channel.configureBlocking(false);
            }
            catch (final IOException ex)
            {
                throw new IOException("cannot bind udp:" + Addresses.hostPort(address) + ": " + ex.getMessage(), ex);
            }

            final InetSocketAddress local = (InetSocketAddress)channel.getLocalAddress();
            boundAddresses.add(local);
            opened.opened(channel, local);
            if (local.getAddress() instanceof Inet6Address)
            {
                ipv6Local = ipv6Channel == null ? local : ipv6Local;
                ipv6Channel = ipv6Channel == null ? channel : ipv6Channel;
            }
            else
            {
                ipv4Local = ipv4Channel == null ? local : ipv4Local;
                ipv4Channel = ipv4Channel == null ? channel : ipv4Channel;
            }
        }
        for (final InetSocketAddress peer : watched)
        {
            connectTo(peer, opened);
        }
    }

    /** A socket on the listening address and port of the peer's family, connected to the peer. */
    private void connectTo(final InetSocketAddress peer, final Opened opened) throws IOException
    {
        final InetSocketAddress local = localFor(peer);
        if (local == null || peer.isUnresolved() || connectedByPeer.containsKey(peer))
        {
            return; // no listener of that family: the peer is found out by Timer B, as before
        }
        final DatagramChannel channel = DatagramChannel.open(family(peer));
        try
        {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(local);
            channel.connect(peer);
            channel.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            throw new IOException("cannot watch udp:" + Addresses.hostPort(peer) + " from " +
                Addresses.hostPort(local) + ": " + ex.getMessage(), ex);
        }
        channels.add(channel);
        opened.opened(channel, local);
        connectedByPeer.put(peer, channel);
    }

    /** The watched peer's connected socket, else the listening socket of the destination's family; null if none. */
    DatagramChannel channelFor(final InetSocketAddress destination)
    {
        if (destination == null)
        {
            return null;
        }
        final DatagramChannel connected = connectedByPeer.get(destination);
        return connected != null ? connected :
            destination.getAddress() instanceof Inet6Address ? ipv6Channel : ipv4Channel;
    }

    /** True for a watched peer's socket ({@link #channelFor}): connected, so a send names no destination. */
    boolean isConnected(final DatagramChannel channel)
    {
        return channel != ipv4Channel && channel != ipv6Channel;
    }

    /** The listening address of {@code destination}'s family, where what is sent there leaves from; null if none. */
    InetSocketAddress localFor(final InetSocketAddress destination)
    {
        return destination.getAddress() instanceof Inet6Address ? ipv6Local : ipv4Local;
    }

    /** The peer a watched peer's socket is connected to; null when it is not (or no longer) connected. */
    static InetSocketAddress peerOf(final DatagramChannel channel)
    {
        try
        {
            return (InetSocketAddress)channel.getRemoteAddress();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /** The kernel's receive buffer of each socket, in bytes (Linux reports twice what was granted). */
    List<Integer> receiveBufferBytes() throws IOException
    {
        final List<Integer> sizes = new ArrayList<>(channels.size());
        for (final DatagramChannel channel : channels)
        {
            sizes.add(channel.getOption(StandardSocketOptions.SO_RCVBUF));
        }
        return sizes;
    }

    /** The addresses actually bound (port 0 resolved), in {@code listen} order. */
    List<InetSocketAddress> boundAddresses()
    {
        return List.copyOf(boundAddresses);
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(channels);
    }

    private static StandardProtocolFamily family(final InetSocketAddress address)
    {
        return address.getAddress() instanceof Inet6Address ?
            StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }
}
