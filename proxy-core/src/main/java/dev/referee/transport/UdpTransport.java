package dev.referee.transport;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.PacketTap;
import dev.referee.ring.PipelineCounters;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Object2IntHashMap;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.List;

/**
 * UDP listeners: one non-blocking {@link DatagramChannel} per {@code listen} entry, all read by ONE receive
 * thread through a {@link Selector} (a thread per socket would only add threads on a 2-core machine).
 * <p>
 * Threads: {@link #run()} is the receive thread, or {@link #receive} is called by the one thread given the sockets
 * (pipeline.udp-receive: engine: the engine thread, during its planned pauses the receive thread); {@link #send} is
 * called by one thread only, the engine thread or the send thread (pipeline.udp-send; a datagram channel may be read
 * and written by two threads at once). Bind and close on the owning thread.
 * <p>
 * System calls (pipeline.udp-syscalls): by default the receive thread reads up to {@link #RECEIVE_BATCH} datagrams
 * a call (recvmmsg) and the sending thread {@link #queue}s a batch's datagrams and {@link #flush}es them with one
 * sendmmsg per socket ({@link LinuxDatagramCalls}); where the system lacks them, a call per datagram through the
 * channels.
 * <p>
 * Watched peers ({@link #watch}, the UDP route targets): Linux reports an ICMP port unreachable only to a socket
 * connected to the peer that sent it (an unconnected one would need IP_RECVERR, which Java does not expose). So each
 * watched peer gets its own datagram socket bound to the same local address and port (SO_REUSEPORT, set on the
 * listening socket too) and connected to it: what Referee sends there leaves from the same address and port as
 * before, the kernel delivers that peer's datagrams to the connected socket (others' still to the listening one), and
 * a closed port's ICMP answer surfaces on it as {@link PortUnreachableException}, published to the engine as a
 * transport failure (RFC 3261 §8.1.3.1: the requests sent there fail at once, a route's next target is tried).
 */
public final class UdpTransport implements Runnable, AutoCloseable
{
    /** Datagrams read from one socket before looking at the others, so one busy socket cannot starve them. */
    private static final int MAX_DATAGRAMS_PER_SOCKET = 64;
    /** Datagrams one recvmmsg may read. */
    static final int RECEIVE_BATCH = 16;
    /** Datagrams {@link #queue} holds before it writes them (the send stage flushes at the end of each batch). */
    public static final int SEND_BATCH = 32;
    private final List<InetSocketAddress> requested;
    private final InboundPublisher publisher;
    private final Admission admission;
    private final PipelineCounters counters;
    private final BorderGuard border;

    /** The sockets, and which one a datagram leaves from. */
    private final UdpSockets sockets = new UdpSockets();
    /** recvmmsg/sendmmsg, or null: a system call per datagram through the channels ({@link #batchSystemCalls}). */
    private LinuxDatagramCalls calls;
    /** Each channel's file descriptor for {@link #calls}; built by {@link #bind()}, read-only after. */
    private final Object2IntHashMap<DatagramChannel> fds = new Object2IntHashMap<>(-1);
    /** The most peers watched: each is a socket. */
    public static final int MAX_WATCHED_PEERS = 1024;
    private Selector selector;
    private volatile boolean running = true;
    /** The longest wait in the socket of the datagrams the last {@link #receive} read (arrival stamps). */
    private long longestWaitNs;

    // Receive thread: one extra byte so that a datagram longer than the slots is seen as truncated.
    private final ByteBuffer receiveByteBuffer = ByteBuffer.allocateDirect(InboundEvent.MAX_MESSAGE_LENGTH + 1);
    private final UnsafeBuffer receiveBuffer = new UnsafeBuffer(receiveByteBuffer);

    // Receive thread, batched: the datagrams of one recvmmsg, their arrival stamps read against this clock.
    private ReceiveBatch receiveBatch;
    private EpochNanoClock arrivalClock = SystemEpochNanoClock.INSTANCE;
    private boolean stampArrivals = true;

    // Send thread, batched: the datagrams queued since the last flush, and what to do with each once written.
    private SendBatch sendBatch;
    private final SendBatch.Outcome sendOutcome = new SendBatch.Outcome()
    {
        public void sent(final InetSocketAddress destination, final DirectBuffer data, final int length)
        {
            UdpTransport.this.sent(destination, data, 0, length);
        }

        public void failed(final DatagramChannel channel, final int errno)
        {
            counters.udpSendDropped.increment();
            if (errno == LinuxDatagramCalls.ECONNREFUSED)
            {
                portUnreachable(channel); // the ICMP answer to an earlier datagram to this watched peer
            }
        }
    };

    // Send thread: a direct buffer lets the JDK write without its own temporary copy.
    private final ByteBuffer sendByteBuffer = ByteBuffer.allocateDirect(InboundEvent.MAX_MESSAGE_LENGTH);
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(sendByteBuffer);

    // Capture (HEP): one tap per thread. The receive thread's also sees the stateless answers it sends.
    private PacketTap receiveTap = PacketTap.NONE;
    private PacketTap sendTap = PacketTap.NONE;
    private SendGate gate = SendGate.OPEN;
    private final UnsafeBuffer answerView = new UnsafeBuffer(new byte[0]);

    public UdpTransport(
        final List<InetSocketAddress> addresses,
        final InboundPublisher publisher,
        final Admission admission,
        final PipelineCounters counters)
    {
        this(addresses, publisher, admission, counters, BorderGuard.open());
    }

    /** @param border judges every datagram by its source before it takes a ring slot. */
    public UdpTransport(
        final List<InetSocketAddress> addresses,
        final InboundPublisher publisher,
        final Admission admission,
        final PipelineCounters counters,
        final BorderGuard border)
    {
        this.border = border;
        this.requested = List.copyOf(addresses);
        this.publisher = publisher;
        this.admission = admission;
        this.counters = counters;
    }

    /**
     * Peers (the UDP route targets) whose ICMP port unreachable answers become transport failures (see the class);
     * before {@link #bind()}. At most {@link #MAX_WATCHED_PEERS}; a peer of a family Referee does not listen on is
     * left out.
     */
    public void watch(final List<InetSocketAddress> peers)
    {
        if (peers.size() > MAX_WATCHED_PEERS)
        {
            throw new IllegalArgumentException("at most " + MAX_WATCHED_PEERS + " UDP route targets: " + peers.size());
        }
        sockets.watch(peers);
    }

    /**
     * Reads and writes datagrams a batch per system call (recvmmsg, sendmmsg; pipeline.udp-syscalls) where the
     * system has them; otherwise, or with {@code false}, a call per datagram through the channels. Before
     * {@link #bind()}.
     *
     * @return whether batches are used.
     */
    public boolean batchSystemCalls(final boolean batched)
    {
        calls = batched ? LinuxDatagramCalls.load() : null;
        if (calls != null)
        {
            receiveBatch = new ReceiveBatch(calls, RECEIVE_BATCH, InboundEvent.MAX_MESSAGE_LENGTH,
                stampArrivals ? arrivalClock : null);
            sendBatch = new SendBatch(calls, SEND_BATCH, InboundEvent.MAX_MESSAGE_LENGTH);
        }
        return calls != null;
    }

    /**
     * True when datagrams are read a batch per system call with their arrival stamps ({@link #batchSystemCalls}
     * took), so that {@link #longestSocketWaitNs} says how long they waited.
     */
    public boolean readsInBatches()
    {
        return calls != null;
    }

    /**
     * Opens and binds every address, then the watched peers' connected sockets.
     *
     * @throws IOException naming the address that could not be bound.
     */
    public void bind() throws IOException
    {
        selector = Selector.open();
        sockets.bind(requested, this::opened);
    }

    /** A socket {@link #bind()} opened: its descriptor for batched calls, and read by the selector. */
    private void opened(final DatagramChannel channel, final InetSocketAddress local) throws IOException
    {
        rememberFd(channel);
        channel.register(selector, SelectionKey.OP_READ, local);
    }

    private void rememberFd(final DatagramChannel channel)
    {
        if (calls != null)
        {
            final int fd = calls.fdOf(channel);
            fds.put(channel, fd);
            if (stampArrivals && !calls.stampArrivals(fd))
            {
                System.getLogger(UdpTransport.class.getName()).log(System.Logger.Level.INFO,
                    "UDP socket " + fd + " gives no arrival times: admission does not see its backlog");
            }
        }
    }

    /**
     * Whether the sockets stamp each datagram's arrival, to know how long it waited in the kernel before this thread
     * read it (admission judges new calls by it; overload.socket-wait: false turns it off). Before
     * {@link #batchSystemCalls}; true unless told.
     */
    public void stampArrivals(final boolean stamp)
    {
        if (receiveBatch != null)
        {
            throw new IllegalStateException("arrival stamps are chosen before batchSystemCalls");
        }
        stampArrivals = stamp;
    }

    /**
     * The real-time clock the datagrams' arrival stamps are compared with (the system's; tests step it); with batched
     * system calls only. Before {@link #batchSystemCalls}, which reads it.
     */
    public void arrivalClock(final EpochNanoClock clock)
    {
        if (receiveBatch != null)
        {
            throw new IllegalStateException("the arrival clock is set before batchSystemCalls");
        }
        arrivalClock = clock;
    }

    /** Sets what may keep this transport silent (a cluster member without the leader's lease). Before start. */
    public void gate(final SendGate gate)
    {
        this.gate = gate;
    }

    /**
     * Sets who sees a copy of each datagram: {@code receive} on the receive thread (every datagram read, and the
     * stateless 403s and 503s answered there), {@code send} on the send thread. Before the threads start.
     */

    public void taps(final PacketTap receive, final PacketTap send)
    {
        this.receiveTap = receive;
        this.sendTap = send;
    }

    /** The kernel's receive buffer of each bound socket, in bytes (Linux reports twice what was granted). */
    List<Integer> receiveBufferBytes() throws IOException
    {
        return sockets.receiveBufferBytes();
    }

    /** The addresses actually bound (port 0 resolved), in {@code listen} order. */
    public List<InetSocketAddress> boundAddresses()
    {
        return sockets.boundAddresses();
    }

    /** The receive thread's loop; returns after {@link #stop()}. */
    public void run()
    {
        try
        {
            while (running)
            {
                selector.select();
                readSelected();
            }
        }
        catch (final ClosedSelectorException | IOException ex)
        {
            if (running)
            {
                System.getLogger(UdpTransport.class.getName()).log(System.Logger.Level.ERROR, "UDP receive", ex);
            }
        }
    }

    /**
     * Reads what the sockets hold, as {@link #run()} does once, for a thread that reads them between other work
     * (pipeline.udp-receive: engine): waits up to {@code timeoutMs} for a datagram when none is there, not at all
     * for 0, until one comes or {@link #wakeup()} for a negative value. One thread at a time (the one given the
     * sockets). {@link #wakeup()} ends the wait.
     *
     * @return the datagrams read (shed, absorbed and refused ones included).
     */
    public int receive(final long timeoutMs) throws IOException
    {
        final long before = counters.udpReceived.get(); // counted by the thread that holds the sockets
        longestWaitNs = 0;
        final int ready = timeoutMs == 0 ? selector.selectNow() :
            timeoutMs < 0 ? selector.select() : selector.select(timeoutMs);
        if (ready > 0)
        {
            readSelected();
        }
        return (int)(counters.udpReceived.get() - before);
    }

    /**
     * How long the datagram that waited longest in its socket before the last {@link #receive} read it waited (its
     * arrival stamp; 0 when datagrams are not stamped, pipeline.udp-syscalls: per-datagram). The reading thread.
     */
    public long longestSocketWaitNs()
    {
        return longestWaitNs;
    }

    /** Ends a {@link #receive} waiting for datagrams (or the next one's wait, if none is waiting); any thread. */
    public void wakeup()
    {
        selector.wakeup();
    }

    private void readSelected() throws IOException
    {
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext())
        {
            final SelectionKey key = keys.next();
            keys.remove();
            if (key.isValid() && key.isReadable())
            {
                final DatagramChannel channel = (DatagramChannel)key.channel();
                final InetSocketAddress local = (InetSocketAddress)key.attachment();
                if (calls != null)
                {
                    drainInBatches(channel, fds.getValue(channel), local);
                }
                else
                {
                    drain(channel, local);
                }
            }
        }
    }

    /** Makes {@link #run()} return; any thread. */
    public void stop()
    {
        running = false;
        final Selector selector = this.selector;
        if (selector != null)
        {
            selector.wakeup();
        }
    }

    /**
     * Sends one datagram from the socket of the destination's address family. One thread only (the engine thread
     * or the send thread, see the class comment); never blocks on
     * the socket: a full socket buffer drops the datagram (SIP over UDP retransmits). It waits only on a send gate
     * about to reopen ({@link SendGate#awaitOpen}).
     *
     * @return true when the datagram was handed to the kernel.
     */
    public boolean send(final InetSocketAddress destination, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final DatagramChannel channel = sockets.channelFor(destination);
        if (channel == null || length > InboundEvent.MAX_MESSAGE_LENGTH)
        {
            counters.udpSendDropped.increment();
            return false;
        }
        if (!gate.awaitOpen())
        {
            counters.udpSendFenced.increment();
            return false;
        }

        sendBuffer.putBytes(0, buffer, offset, length);
        sendByteBuffer.clear().limit(length);
        try
        {
            final int written = sockets.isConnected(channel) ? channel.write(sendByteBuffer) :
                channel.send(sendByteBuffer, destination);
            if (written == 0)
            {
                counters.udpSendDropped.increment();
                return false;
            }
        }
        catch (final PortUnreachableException ex)
        {
            // The ICMP answer to an earlier datagram, reported on this send instead of the next read.
            counters.udpSendDropped.increment();
            portUnreachable(channel);
            return false;
        }
        catch (final IOException ex)
        {
            // e.g. ICMP port unreachable reported on a later send, or a destination this socket cannot reach.
            counters.udpSendDropped.increment();
            return false;
        }

        sent(destination, buffer, offset, length);
        return true;
    }

    /** A datagram the kernel took: counted, and captured from the listening address of its family. */
    private void sent(final InetSocketAddress destination, final DirectBuffer buffer, final int offset,
        final int length)
    {
        counters.udpSent.increment();
        sendTap.copy(PacketTap.UDP, sockets.localFor(destination),
            destination, buffer, offset, length, System.nanoTime());
    }

    /**
     * Queues one datagram for the next {@link #flush()}: with batched system calls, the send stage's datagrams of a
     * batch leave by one sendmmsg per socket; without, this sends at once. Same thread rules and outcomes as
     * {@link #send}; a full queue ({@link #SEND_BATCH}) is flushed first.
     */
    public void queue(final InetSocketAddress destination, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (calls == null)
        {
            send(destination, buffer, offset, length);
            return;
        }
        final DatagramChannel channel = sockets.channelFor(destination);
        if (channel == null || length > InboundEvent.MAX_MESSAGE_LENGTH)
        {
            counters.udpSendDropped.increment();
            return;
        }
        if (sendBatch.isFull())
        {
            flush();
        }
        sendBatch.add(channel, fds.getValue(channel), destination, sockets.isConnected(channel), buffer, offset,
            length);
    }

    /**
     * Writes what {@link #queue} holds: one sendmmsg per socket (the listening socket of each family, a watched
     * peer's connected one), each socket's datagrams in their order. The thread that queued them.
     */
    public void flush()
    {
        if (sendBatch == null || sendBatch.size() == 0)
        {
            return;
        }
        if (gate.awaitOpen())
        {
            sendBatch.write(sendOutcome);
            return;
        }
        counters.udpSendFenced.add(sendBatch.size());
        sendBatch.clear();
    }

    public void close()
    {
        running = false;
        sockets.close();
        CloseHelper.quietClose(selector);
    }

    private void drain(final DatagramChannel channel, final InetSocketAddress local) throws IOException
    {
        for (int i = 0; i < MAX_DATAGRAMS_PER_SOCKET; i++)
        {
            receiveByteBuffer.clear();
            final SocketAddress from;
            try
            {
                from = channel.receive(receiveByteBuffer);
            }
            catch (final PortUnreachableException ex)
            {
                // Only a watched peer's connected socket hears this: its port is closed.
                portUnreachable(channel);
                continue;
            }
            catch (final IOException ex)
            {
                if (!channel.isOpen())
                {
                    throw ex;
                }
                // An ICMP error from an earlier send can surface here on some systems: not fatal to the socket.
                counters.udpReceiveErrors.increment();
                continue;
            }

            if (from == null)
            {
                return;
            }

            final long timeNs = System.nanoTime();
            final int length = receiveByteBuffer.position();
            if (length > InboundEvent.MAX_MESSAGE_LENGTH || length == 0)
            {
                counters.udpReceiveErrors.increment();
                continue;
            }

            onDatagram(channel, (InetSocketAddress)from, local, receiveBuffer, length, timeNs);
        }
    }

    /**
     * {@link #drain} with recvmmsg: up to {@link #RECEIVE_BATCH} datagrams a system call, at most
     * {@link #MAX_DATAGRAMS_PER_SOCKET} before the other sockets' turn.
     */
    private void drainInBatches(final DatagramChannel channel, final int fd, final InetSocketAddress local)
        throws IOException
    {
        int read = 0;
        while (read < MAX_DATAGRAMS_PER_SOCKET)
        {
            final int asked = Math.min(RECEIVE_BATCH, MAX_DATAGRAMS_PER_SOCKET - read);
            final int received = receiveBatch.read(fd, asked);
            if (received == 0)
            {
                return;
            }
            if (received < 0)
            {
                if (!channel.isOpen())
                {
                    throw new IOException("UDP socket closed");
                }
                if (-received == LinuxDatagramCalls.ECONNREFUSED)
                {
                    portUnreachable(channel); // only a watched peer's connected socket hears this: its port is closed
                }
                else if (-received != LinuxDatagramCalls.EINTR)
                {
                    counters.udpReceiveErrors.increment();
                }
                read++;
                continue;
            }

            final long timeNs = System.nanoTime();
            for (int slot = 0; slot < received; slot++)
            {
                if (stampArrivals)
                {
                    final long waitNs = receiveBatch.socketWaitNs(slot);
                    longestWaitNs = Math.max(longestWaitNs, waitNs);
                    counters.udpSocketWaitNs.record(waitNs);
                    admission.socketWait(waitNs);
                }
                final int length = receiveBatch.length(slot);
                final InetSocketAddress source = receiveBatch.source(slot);
                // A slot holds one byte more than a message may: a longer datagram shows as too long here.
                if (length > InboundEvent.MAX_MESSAGE_LENGTH || length == 0 || source == null)
                {
                    counters.udpReceiveErrors.increment();
                    continue;
                }
                onDatagram(channel, source, local, receiveBatch.data(slot), length, timeNs);
            }
            read += received;
            if (received < asked)
            {
                return; // the socket is empty: no need for a call that would say so
            }
        }
    }

    /** One datagram read: captured, judged by the border, admitted or shed, then handed to the engine's ring. */
    private void onDatagram(final DatagramChannel channel, final InetSocketAddress source,
        final InetSocketAddress local, final UnsafeBuffer buffer, final int length, final long timeNs)
    {
        counters.udpReceived.increment();
        // Every datagram read is captured, also the ones the border or admission will refuse; not a keep-alive
        // (RFC 5626 CRLF), which is no SIP message and which collectors would only report as unparsable.
        final byte first = buffer.getByte(0);
        if (first != '\r' && first != '\n')
        {
            receiveTap.copy(PacketTap.UDP, source, local, buffer, 0, length, timeNs);
        }
        final int trunk = border.check(buffer, 0, length, source, timeNs);
        if (trunk == BorderGuard.REJECT)
        {
            reject(channel, source, local);
            return;
        }
        if (trunk == BorderGuard.DROP)
        {
            return;
        }
        final int verdict = publisher.offer(Transport.UDP, source, local, 0, trunk, buffer, 0, length,
            timeNs, admission);
        if (verdict == Admission.SHED)
        {
            shed(channel, source, local);
        }
        else if (verdict == InboundPublisher.FULL)
        {
            onOverload(channel, source, local, buffer, length);
        }
    }

    /** A watched peer's port is closed (ICMP): the engine fails what was sent there (receive or send thread). */
    private void portUnreachable(final DatagramChannel channel)
    {
        counters.udpPortUnreachable.increment();
        final InetSocketAddress peer = UdpSockets.peerOf(channel);
        if (peer != null && !publisher.publishTransportFailure(Transport.UDP, peer, 0, System.nanoTime()))
        {
            counters.udpInboundDropped.increment();
        }
    }

    /** Sends the border's 403 to an unknown source: once, never retransmitted (nothing is kept for it). */
    private void reject(final DatagramChannel channel, final InetSocketAddress source, final InetSocketAddress local)
    {
        try
        {
            answer(channel, border.response(), source, local);
        }
        catch (final IOException ex)
        {
            counters.udpReceiveErrors.increment();
        }
    }

    /** Sends the 503 admission control wrote for a shed call, straight back to where the INVITE came from. */
    private void shed(final DatagramChannel channel, final InetSocketAddress source, final InetSocketAddress local)
    {
        try
        {
            answer(channel, admission.response(), source, local);
        }
        catch (final IOException ex)
        {
            counters.udpReceiveErrors.increment();
        }
    }

    private void onOverload(final DatagramChannel channel, final InetSocketAddress source,
        final InetSocketAddress local, final UnsafeBuffer buffer, final int length)
    {
        final ByteBuffer response = admission.responder().respond(buffer, 0, length);
        if (response == null)
        {
            counters.udpInboundDropped.increment();
            return;
        }

        try
        {
            // Stateless answer to the packet's source (RFC 3581 style): the sender is known to be reachable there.
            answer(channel, response, source, local);
            counters.udpOverloadResponses.increment();
        }
        catch (final IOException ex)
        {
            counters.udpInboundDropped.increment();
        }
    }

    /** Sends a stateless answer from the receive thread, and captures it once it went. */
    private void answer(final DatagramChannel channel, final ByteBuffer response, final InetSocketAddress to,
        final InetSocketAddress local) throws IOException
    {
        if (!gate.isOpen())
        {
            counters.udpAnswersFenced.increment();
            return;
        }
        final int start = response.position();
        final int end = response.limit();
        if (channel.send(response, to) > 0)
        {
            answerView.wrap(response);
            receiveTap.copy(PacketTap.UDP, local, to, answerView, start, end - start, System.nanoTime());
        }
    }
}
