package dev.referee.media;

import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The open endpoints by id, at most {@code capacity}: opening binds an endpoint's two sockets and registers them
 * with the relay's selector (the key's attachment is the endpoint), closing undoes it. Relay thread only.
 */
final class Endpoints
{
    private final InetAddress address;
    private final int capacity;
    private final Selector selector;
    private final Consumer<SelectionKey> onReady;
    private final Long2ObjectHashMap<MediaEndpoint> byId = new Long2ObjectHashMap<>();

    Endpoints(final InetAddress address, final int capacity, final Selector selector,
        final Consumer<SelectionKey> onReady)
    {
        this.address = address;
        this.capacity = capacity;
        this.selector = selector;
        this.onReady = onReady;
    }

    MediaEndpoint get(final long id)
    {
        return byId.get(id);
    }

    int size()
    {
        return byId.size();
    }

    Iterable<MediaEndpoint> all()
    {
        return byId.values();
    }

    /** Binds RTP on {@code rtpPort} and RTCP on the port after it; null (nothing left open) when either fails. */
    MediaEndpoint open(final long id, final int rtpPort, final boolean strictSource, final long timeoutNs,
        final long nowNs) throws IOException
    {
        DatagramChannel rtp = null;
        DatagramChannel rtcp = null;
        try
        {
            rtp = bind(rtpPort);
            rtcp = bind(rtpPort + 1);
            final MediaEndpoint endpoint = new MediaEndpoint(id, rtpPort, rtp, rtcp, strictSource, timeoutNs, nowNs);
            rtp.register(selector, SelectionKey.OP_READ, endpoint);
            rtcp.register(selector, SelectionKey.OP_READ, endpoint);
            byId.put(id, endpoint);
            return endpoint;
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(rtp, rtcp);
            flush();
            throw ex;
        }
    }

    boolean isFull()
    {
        return byId.size() >= capacity;
    }

    /** Closes the endpoint's sockets and frees its ports before returning (a new endpoint may bind them at once). */
    void close(final MediaEndpoint endpoint)
    {
        byId.remove(endpoint.id());
        CloseHelper.quietCloseAll(endpoint.rtp(), endpoint.rtcp());
        flush();
    }

    /** Closes every endpoint (the relay stops). */
    void closeAll()
    {
        for (final MediaEndpoint endpoint : byId.values())
        {
            CloseHelper.quietCloseAll(endpoint.rtp(), endpoint.rtcp());
        }
        byId.clear();
        flush();
    }

    /**
     * A channel registered with a selector is only really closed (its port free) at the selector's next selection;
     * one is made here, handling whatever packets it finds as a normal cycle would, so none are lost.
     */
    private void flush()
    {
        try
        {
            selector.selectNow(onReady);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("media relay selector", ex);
        }
    }

    private DatagramChannel bind(final int port) throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open(
            address.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try
        {
            channel.bind(new InetSocketAddress(address, port));
            channel.configureBlocking(false);
            return channel;
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
    }
}
