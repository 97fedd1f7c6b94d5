package dev.referee.transport;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.ring.PacketTap;
import dev.referee.ring.PipelineCounters;
import dev.referee.transport.tls.TlsContext;

import com.lmax.disruptor.EventPoller;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * TCP and TLS listeners and connections, all on ONE I/O thread ({@link #run()}) with one {@link Selector}: accepts,
 * reads and frames messages (RFC 3261 §18.3, by Content-Length) and publishes them to the inbound ring (its
 * {@link TcpReader}), and writes the TCP messages of the outbound ring, which it polls itself so that connection
 * state never leaves this thread.
 * <p>
 * Connection reuse (RFC 3261 §18): every connection is indexed by id and by remote address. A message for
 * a destination goes on the connection named by the event's connection id if it is still open, else on any
 * open connection to that address (including one the peer opened to us), else on a new connection that is
 * opened without blocking, its messages queued until it is connected.
 * <p>
 * The send thread calls {@link #wakeup()} after a batch that holds TCP messages; everything else is confined to
 * the I/O thread except {@link #stop()}.
 * <p>
 * TLS ({@code tls:} listen addresses, {@code ;transport=tls} targets) is TCP with a {@link TlsStream} in each
 * connection: the same framing, limits, reuse and border checks, on plaintext; a peer that does not speak TLS, or
 * fails the handshake (a certificate that does not verify), is closed and counted ({@code tlsFailed}), and a
 * handshake is held to {@code tcp.read-timeout}.
 * <p>
 * Limits ({@code tcp.*}, docs/security.md): at most {@code max-connections} accepted connections (one more is
 * accepted and closed at once, so the kernel's backlog does not fill with connections never served); a read buffer
 * of at most one message ({@link InboundEvent#MAX_MESSAGE_LENGTH}); a connection idle for {@code idle-timeout}, or
 * holding an incomplete message older than {@code read-timeout} (slowloris), is closed by a sweep every
 * {@link #sweepIntervalNs}. Every received message passes the {@link BorderGuard} before the ring. Time comes from
 * the injected {@link NanoClock} (tests step it).
 */
public final class TcpTransport implements Runnable, AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(TcpTransport.class.getName());

    private final List<InetSocketAddress> requested;
    private final List<InetSocketAddress> requestedTls;
    private final TlsContext tlsContext;
    private final InboundPublisher publisher;
    private final PipelineCounters counters;
    private final EventPoller<OutboundEvent> outboundPoller;
    private final EventPoller.Handler<OutboundEvent> outboundHandler = this::onOutbound;
    private final BorderGuard border;
    private final NanoClock clock;
    private final int maxConnections;
    private final long idleTimeoutNs;
    private final long readTimeoutNs;
    private final long sweepIntervalNs;
    private final long selectTimeoutMs;
    private final List<TcpConnection> expired = new ArrayList<>();
    private final TcpReader reader;
    private long lastSweepNs;
    private int acceptedOpen;

    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<InetSocketAddress> boundAddresses = new ArrayList<>();
    private final List<InetSocketAddress> boundTlsAddresses = new ArrayList<>();
    private final Long2ObjectHashMap<TcpConnection> connectionById = new Long2ObjectHashMap<>();
    private final Map<InetSocketAddress, TcpConnection> connectionByRemote = new HashMap<>();
    private final ByteBuffer sendByteBuffer = ByteBuffer.allocateDirect(InboundEvent.MAX_MESSAGE_LENGTH);
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(sendByteBuffer);
    private long nextConnectionId = 1;
    private PacketTap tap = PacketTap.NONE;
    private SendGate gate = SendGate.OPEN;
    private Selector selector;
    private volatile boolean running = true;

    /**
     * @param addresses      the {@code tcp:} listen addresses.
     * @param tlsAddresses   the {@code tls:} listen addresses.
     * @param tlsContext   the {@code tls} section's context; null when there is none (then no TLS address is given, and
     *                     a message for a TLS destination is dropped and counted).
     * @param outboundPoller a poller of the outbound ring, registered as one of its gating sequences.
     * @param border       judges every message received, and every connection accepted, by its source.
     * @param clock        receive times and timeouts.
     */
    public TcpTransport(
        final List<InetSocketAddress> addresses,
        final List<InetSocketAddress> tlsAddresses,
        final TlsContext tlsContext,
        final InboundPublisher publisher,
        final Admission admission,
        final PipelineCounters counters,
        final EventPoller<OutboundEvent> outboundPoller,
        final BorderGuard border,
        final TcpConfig config,
        final NanoClock clock)
    {
        this.border = border;
        this.clock = clock;
        this.maxConnections = config.maxConnections();
        this.idleTimeoutNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        this.readTimeoutNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(config.readTimeoutMs());
        // Often enough that a timeout fires within a tenth of itself late, rarely enough to cost nothing: a sweep
        // looks at every connection.
        final long shortestMs = Math.min(config.idleTimeoutMs(), config.readTimeoutMs());
        this.selectTimeoutMs = Math.max(1, Math.min(1_000, shortestMs / 10));
        this.sweepIntervalNs = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(selectTimeoutMs);
        this.requested = List.copyOf(addresses);
        this.requestedTls = List.copyOf(tlsAddresses);
        this.tlsContext = tlsContext;
        if (!requestedTls.isEmpty() && tlsContext == null)
        {
            throw new IllegalArgumentException("tls listen addresses need a TLS context (the tls section)");
        }
        this.publisher = publisher;
        this.counters = counters;
        this.outboundPoller = outboundPoller;
        this.reader = new TcpReader(publisher, admission, border, counters, clock,
            connection -> connectionById.containsKey(connection.id), this::closeConnection);
    }

    /**
     * Opens the selector and binds every listener.
     *
     * @throws IOException naming the address that could not be bound.
     */
    public void bind() throws IOException
    {
        selector = Selector.open();
        for (final InetSocketAddress address : requested)
        {
            boundAddresses.add(listen(address, Transport.TCP));
        }
        for (final InetSocketAddress address : requestedTls)
        {
            boundTlsAddresses.add(listen(address, Transport.TLS));
        }
    }

    private InetSocketAddress listen(final InetSocketAddress address, final int transport) throws IOException
    {
        final ServerSocketChannel listener = ServerSocketChannel.open();
        listeners.add(listener);
        try
        {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, 1024);
            listener.configureBlocking(false);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot bind " + Transport.paramName(transport) + ":" + Addresses.hostPort(address) +
                ": " + ex.getMessage(), ex);
        }

        final InetSocketAddress local = (InetSocketAddress)listener.getLocalAddress();
        listener.register(selector, SelectionKey.OP_ACCEPT, new Listener(local, transport));
        return local;
    }

    /** What a listening key carries: its address and whether connections accepted on it speak TLS. */
    private record Listener(InetSocketAddress local, int transport)
    {
    }

    /**
     * Sets who sees a copy of each message this thread frames or writes (stateless answers included). Before the
     * thread starts.
     */
    public void tap(final PacketTap tap)
    {
        this.tap = tap;
        reader.tap(tap);
    }

    /** Sets what may keep this transport silent (a cluster member without the leader's lease). Before start. */
    public void gate(final SendGate gate)
    {
        this.gate = gate;
        reader.gate(gate);
    }

    /** The TCP addresses actually bound (port 0 resolved), in {@code listen} order. */
    public List<InetSocketAddress> boundAddresses()
    {
        return List.copyOf(boundAddresses);
    }

    /** The TLS addresses actually bound (port 0 resolved), in {@code listen} order. */
    public List<InetSocketAddress> boundTlsAddresses()
    {
        return List.copyOf(boundTlsAddresses);
    }

    /** The I/O thread's loop; returns after {@link #stop()}. */
    public void run()
    {
        try
        {
            lastSweepNs = clock.nanoTime();
            while (running)
            {
                // While messages wait for ring slots, look again every millisecond: the engine frees slots without
                // waking this thread.
                selector.select(reader.hasHeld() ? 1 : selectTimeoutMs);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    onSelected(key);
                }
                if (reader.hasHeld())
                {
                    reader.retryHeld();
                }
                pollOutbound();
                final long nowNs = clock.nanoTime();
                if (nowNs - lastSweepNs >= sweepIntervalNs)
                {
                    lastSweepNs = nowNs;
                    sweep(nowNs);
                }
            }
        }
        catch (final ClosedSelectorException | IOException ex)
        {
            if (running)
            {
                LOGGER.log(System.Logger.Level.ERROR, "TCP I/O thread stopped", ex);
            }
        }
    }

    /** Called by the send thread when the outbound ring holds TCP messages for this thread. */
    public void wakeup()
    {
        final Selector selector = this.selector;
        if (selector != null)
        {
            selector.wakeup();
        }
    }

    /** Makes {@link #run()} return; any thread. */
    public void stop()
    {
        running = false;
        wakeup();
    }

    /** Closes listeners and connections; call after the I/O thread has stopped. */
    public void close()
    {
        running = false;
        for (final TcpConnection connection : connectionById.values())
        {
            connection.close();
        }
        connectionById.clear();
        connectionByRemote.clear();
        CloseHelper.quietCloseAll(listeners);
        CloseHelper.quietClose(selector);
    }

    /** Closes the connections that were idle or held an incomplete message too long. */
    void sweep(final long nowNs)
    {
        for (final TcpConnection connection : connectionById.values())
        {
            if (connection.expiry(nowNs, idleTimeoutNs, readTimeoutNs) != TcpConnection.KEEP)
            {
                expired.add(connection);
            }
        }
        for (int i = 0; i < expired.size(); i++)
        {
            final TcpConnection connection = expired.get(i);
            if (connection.expiry(nowNs, idleTimeoutNs, readTimeoutNs) == TcpConnection.READ_TIMEOUT)
            {
                counters.tcpReadTimeouts.increment();
            }
            else
            {
                counters.tcpIdleClosed.increment();
            }
            closeConnection(connection);
        }
        expired.clear();
    }

    private void onSelected(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }

        if (key.attachment() instanceof TcpConnection)
        {
            final TcpConnection connection = (TcpConnection)key.attachment();
            try
            {
                if (key.isConnectable())
                {
                    connection.finishConnect();
                }
                if (key.isValid() && key.isReadable())
                {
                    reader.onReadable(connection);
                }
                if (key.isValid() && key.isWritable())
                {
                    connection.onWritable();
                }
            }
            catch (final SSLException ex)
            {
                // Not TLS, a certificate that does not verify, a corrupt record: this peer only.
                counters.tlsFailed.increment();
                LOGGER.log(System.Logger.Level.DEBUG, () -> "TLS with " + connection.remote + ": " + ex.getMessage());
                fail(connection);
            }
            catch (final IOException ex)
            {
                fail(connection); // refused, reset, unreachable
            }
            catch (final RuntimeException ex)
            {
                // A bug met on one connection must not end the thread that serves all of them.
                LOGGER.log(System.Logger.Level.WARNING, "closing " + connection, ex);
                closeConnection(connection);
            }
        }
        else if (key.isAcceptable())
        {
            accept((ServerSocketChannel)key.channel(), ((Listener)key.attachment()).transport());
        }
    }

    private void accept(final ServerSocketChannel listener, final int transport)
    {
        SocketChannel channel = null;
        try
        {
            channel = listener.accept();
            if (channel == null)
            {
                return;
            }
            if (acceptedOpen >= maxConnections)
            {
                // Accepted only to be closed: left in the backlog, it would hold a slot a legitimate peer needs.
                counters.tcpConnectionsRefused.increment();
                CloseHelper.quietClose(channel);
                return;
            }
            final InetSocketAddress remote = (InetSocketAddress)channel.getRemoteAddress();
            if (border.refusesConnection(remote))
            {
                CloseHelper.quietClose(channel);
                return;
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            final InetSocketAddress local = (InetSocketAddress)channel.getLocalAddress();
            final TcpConnection connection = new TcpConnection(nextConnectionId++, channel, remote, local, true, true,
                border.trunkOf(remote), clock.nanoTime(), transport == Transport.TLS ? tlsContext.serverEngine() : null);
            register(connection, SelectionKey.OP_READ);
            acceptedOpen++;
            counters.tcpConnectionsAccepted.increment();
            startTls(connection);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
        }
    }

    /**
     * Closes a connection on an error; when Referee opened it, tells the engine (RFC 3261 §8.1.3.1: the requests sent
     * on it have failed, and a route's next target can be tried now rather than after Timer B).
     */
    private void fail(final TcpConnection connection)
    {
        closeConnection(connection);
        if (!connection.accepted)
        {
            transportFailed(connection.transport, connection.remote, connection.id);
        }
    }

    private void transportFailed(final int transport, final InetSocketAddress destination, final long connectionId)
    {
        counters.tcpConnectFailures.increment();
        if (!publisher.publishTransportFailure(transport, destination, connectionId, clock.nanoTime()))
        {
            counters.tcpInboundDropped.increment();
        }
    }

    /** Starts a TLS connection's handshake once it is registered; false (and closed) when that already failed. */
    private boolean startTls(final TcpConnection connection)
    {
        try
        {
            connection.startTls();
            return true;
        }
        catch (final IOException ex)
        {
            counters.tlsFailed.increment();
            fail(connection);
            return false;
        }
    }

    private void register(final TcpConnection connection, final int ops) throws IOException
    {
        connection.key = connection.channel.register(selector, ops, connection);
        connectionById.put(connection.id, connection);
        // The newest connection to an address wins: the older one still serves messages that name its id.
        connectionByRemote.put(connection.remote, connection);
        counters.tcpConnectionsOpen.increment();
    }

    private void closeConnection(final TcpConnection connection)
    {
        if (connectionById.remove(connection.id) == null)
        {
            return;
        }
        connectionByRemote.remove(connection.remote, connection);
        if (connection.accepted)
        {
            acceptedOpen--;
        }
        counters.tcpSendDropped.add(connection.pendingWriteCount());
        // Counted closed before the socket is: a peer that sees the end and then reads /status finds it gone
        // (TcpLimitsTest read the count in that order, and once found it still open).
        counters.tcpConnectionsOpen.add(-1);
        connection.close();
    }

    private void pollOutbound()
    {
        try
        {
            outboundPoller.poll(outboundHandler);
        }
        catch (final Exception ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "TCP outbound poll", ex);
        }
    }

    private boolean onOutbound(final OutboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (!Transport.isStream(event.transport))
        {
            return true;
        }

        try
        {
            send(event);
        }
        catch (final RuntimeException ex)
        {
            // Never rethrow: the poller would offer the same event again, forever.
            counters.tcpSendDropped.increment();
            LOGGER.log(System.Logger.Level.WARNING, "TCP send to " + event.destination, ex);
        }
        event.destination = null;
        return true;
    }

    private void send(final OutboundEvent event)
    {
        if (!gate.awaitOpen())
        {
            counters.tcpSendFenced.increment();
            return;
        }
        final TcpConnection connection = connectionFor(event.connectionId, event.destination, event.transport);
        if (connection == null)
        {
            counters.tcpSendDropped.increment();
            return;
        }

        sendBuffer.putBytes(0, event.data, 0, event.length);
        sendByteBuffer.clear().limit(event.length);
        connection.lastActivityNs = clock.nanoTime();
        try
        {
            if (connection.write(sendByteBuffer))
            {
                counters.tcpSent.increment();
                // Known from the connect's start (see connect); null only where the system did not say.
                tap.copy(PacketTap.TCP, connection.local, connection.remote, sendBuffer, 0, event.length,
                    connection.lastActivityNs);
            }
            else
            {
                counters.tcpSendDropped.increment();
                closeConnection(connection);
            }
        }
        catch (final IOException ex)
        {
            counters.tcpSendDropped.increment();
            fail(connection);
        }
    }

    private TcpConnection connectionFor(final long connectionId, final InetSocketAddress destination,
        final int transport)
    {
        if (connectionId != 0)
        {
            final TcpConnection connection = connectionById.get(connectionId);
            if (connection != null && connection.transport == transport)
            {
                return connection;
            }
        }

        if (destination == null)
        {
            return null;
        }

        // Never plaintext on a TLS leg: a connection of the other transport to the same address is not reused.
        final TcpConnection connection = connectionByRemote.get(destination);
        return connection != null && connection.transport == transport ? connection : connect(destination, transport);
    }

    /** The first listening address of {@code transport} in the destination's family, port 0; null when none. */
    private InetSocketAddress sourceFor(final int transport, final InetSocketAddress destination)
    {
        final boolean ipv6 = destination.getAddress() instanceof Inet6Address;
        for (final InetSocketAddress listening : transport == Transport.TLS ? boundTlsAddresses : boundAddresses)
        {
            if ((listening.getAddress() instanceof Inet6Address) == ipv6)
            {
                // A loopback listener cannot reach another host: the system picks the source then, as before.
                return listening.getAddress().isLoopbackAddress() && !destination.getAddress().isLoopbackAddress() ?
                    null : new InetSocketAddress(listening.getAddress(), 0);
            }
        }
        return null;
    }

    private TcpConnection connect(final InetSocketAddress destination, final int transport)
    {
        if (destination.isUnresolved() || (transport == Transport.TLS && tlsContext == null))
        {
            return null;
        }

        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // From the listening address of this transport and family (port chosen by the system): the peer sees
            // the address Referee's Via and Contact name (a multi-homed host would otherwise pick by route), and the
            // capture knows the source of the first message before the connect completes.
            final InetSocketAddress source = sourceFor(transport, destination);
            if (source != null)
            {
                channel.bind(source);
            }
            final boolean connected = channel.connect(destination);
            final InetSocketAddress local = (InetSocketAddress)channel.getLocalAddress();
            final TcpConnection connection = new TcpConnection(nextConnectionId++, channel, destination, local, false,
                connected, border.trunkOf(destination), clock.nanoTime(),
                transport == Transport.TLS ? tlsContext.clientEngine(destination) : null);
            register(connection, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            counters.tcpConnectionsConnected.increment();
            return startTls(connection) ? connection : null;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            transportFailed(transport, destination, 0);
            return null;
        }
    }
}
