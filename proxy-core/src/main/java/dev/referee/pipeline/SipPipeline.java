package dev.referee.pipeline;

import dev.referee.config.ListenAddress;
import dev.referee.ring.EngineProgress;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.ring.PacketTap;
import dev.referee.ring.PipelineCounters;
import dev.referee.transport.Admission;
import dev.referee.transport.BorderGuard;
import dev.referee.transport.InboundPublisher;
import dev.referee.transport.OverloadConfig;
import dev.referee.transport.OverloadResponder;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TcpConfig;
import dev.referee.transport.tls.TlsConfig;
import dev.referee.transport.tls.TlsContext;
import dev.referee.transport.SendGate;
import dev.referee.transport.TcpTransport;
import dev.referee.transport.Transport;
import dev.referee.transport.TrunkSources;
import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The transports and the two Disruptor rings between them and the engine.
 * <pre>
 *  referee-udp    (all UDP sockets) ──┐
 *  referee-tcp    (TCP I/O)         ──┼─► inbound ring ─► referee-engine (InboundHandler)
 *  referee-ticker (TICK)            ──┘                                         │ SipSender
 *                                                                               ▼
 *  UDP sockets ◄── referee-engine (pipeline.udp-send: engine, not the default: a batch's datagrams at its end)
 *  UDP sockets ◄── referee-send ◄─────────────────────────────────────── outbound ring
 *  TCP sockets ◄── referee-tcp (polls the outbound ring for TCP messages) ◄─────┘
 * </pre>
 * With {@code pipeline.udp-receive: engine} the engine thread also reads the UDP sockets itself, whenever the inbound
 * ring is empty, and writes its UDP messages itself: a datagram is read, parsed, handled and answered on one thread
 * ({@link ReceivingEngine}) while it keeps up, and falls back to the staged pipeline (referee-udp reading, referee-send
 * writing: {@link StandbyReceiver}) while it is behind or in a planned pause. The conditions below for the engine's
 * sending hold for this too.
 * With {@code pipeline.udp-send: engine} (not the default) the engine thread writes its UDP messages to the sockets
 * itself, one sendmmsg per socket at the end of each batch of inputs, and only TCP messages go through the outbound
 * ring: no copy into a slot and no wake-up of referee-send per batch. A pipeline whose sends a gate can hold (a
 * cluster member's), that has senders on two threads, or that has an {@link OutboundObserver}, keeps the send stage
 * for UDP, as {@code pipeline.udp-send: send-thread} (the default) does.
 * The receive threads stamp {@link System#nanoTime()} on every event and parse it in place before publishing (see
 * {@link InboundPublisher}: a separate parse stage made the engine spin); the engine reads no clock. Stages added with
 * {@link #addInboundStage} (the journal) run on the engine thread just before the engine, for the same reason: a
 * stage on its own thread would make the engine spin on that stage's sequence. An {@link OutboundObserver} (the
 * journal) sees each message on referee-send. When the
 * inbound ring is full, receive threads answer requests with a stateless 503 and drop the rest (counted). The
 * engine sends with {@link #sender()}, which never blocks and drops (counted) when the outbound ring is full.
 * <p>
 * Use: {@code new SipPipeline(...)} (the node builds it from its configuration), give {@link #sender()} to the engine, {@link #start(InboundHandler)},
 * read {@link #counters()} from any thread, {@link #close()}.
 */
public final class SipPipeline implements AutoCloseable
{
    /** How long {@link #close()} waits for each thread before interrupting it. */
    static final long JOIN_TIMEOUT_MS = 5_000;

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final BorderGuard udpBorder;
    private final BorderGuard tcpBorder;
    private final PipelineConfig config;
    private final PipelineCounters counters = new PipelineCounters();
    private final RingBuffer<InboundEvent> inboundRing;
    private final EngineWakeup inboundWait;
    private final RingBuffer<OutboundEvent> outboundRing;
    private final OutboundPublisher sender;
    private final UdpTransport udp;
    private final TcpTransport tcp;
    private final EventPoller<OutboundEvent> tcpPoller;
    private final InboundPublisher publisher;
    private final EngineProgress progress;
    private final Ticker ticker;
    /** The receive threads' time base; the engine stage measures each input's wait with it. */
    private final NanoClock clock;
    private final String threadSuffix = "-" + INSTANCES.incrementAndGet();
    private final List<Thread> threads = new ArrayList<>();
    /** The engine's processor of the inbound ring (null when the engine reads UDP itself) and the send stage's. */
    private BatchEventProcessor<InboundEvent> engineStage;
    private BatchEventProcessor<OutboundEvent> sendStage;
    /** pipeline.udp-receive: engine: the engine thread's loop and the receive thread's role; null otherwise. */
    private ReceivingEngine receivingEngine;
    private StandbyReceiver standbyReceiver;
    private final List<EventHandler<InboundEvent>> extraInboundStages = new ArrayList<>();
    private OutboundObserver outboundObserver = OutboundObserver.NONE;
    private final boolean sendersOnTwoThreads;
    /** A send gate that can close (a cluster member's lease): its wait belongs on the send thread, not the engine. */
    private boolean gated;
    private boolean bound;
    private boolean started;
    private boolean closed;

    /** With the default {@code overload} settings. */
    public SipPipeline(
        final PipelineConfig config, final List<ListenAddress> listen, final String userAgent)
    {
        this(config, listen, userAgent, OverloadConfig.defaults());
    }

    /**
     * Allocates both rings (every slot up front) and the transports; binds nothing yet.
     *
     * @param userAgent the agent named in the Warning of overload 503s.
     * @throws IllegalArgumentException for an unknown wait strategy or a ring size that is not a power of two.
     */
    public SipPipeline(
        final PipelineConfig config, final List<ListenAddress> listen, final String userAgent,
        final OverloadConfig overload)
    {
        this(config, listen, userAgent, overload, List.of(), SecurityConfig.defaults(false),
            TcpConfig.defaults(), new SystemNanoClock());
    }

    /**
     * As above, with the border ({@code trunks}, {@code security}) and the TCP limits; {@code clock} gives the TCP
     * thread its receive times and timeouts (tests step it).
     */
    public SipPipeline(
        final PipelineConfig config, final List<ListenAddress> listen, final String userAgent,
        final OverloadConfig overload, final List<TrunkSources> trunks,
        final SecurityConfig security, final TcpConfig tcpConfig, final NanoClock clock)
    {
        this(config, listen, userAgent, overload, trunks, security, tcpConfig, null, clock);
    }

    /**
     * As above, with the {@code tls} section ({@code tls}: null when there is none; then {@code listen} has no
     * {@code tls:} address).
     *
     * @throws IllegalArgumentException when a {@code tls:} address is given without a {@code tls} section.
     */
    public SipPipeline(
        final PipelineConfig config, final List<ListenAddress> listen, final String userAgent,
        final OverloadConfig overload, final List<TrunkSources> trunks,
        final SecurityConfig security, final TcpConfig tcpConfig, final TlsConfig tls, final NanoClock clock)
    {
        this(config, listen, userAgent, overload, trunks, security, tcpConfig, tls, clock, false);
    }

    /**
     * As above; {@code sendersOnTwoThreads} when the engine is not this pipeline's inbound handler but runs on a thread
     * of its own (a cluster member's replicated engine), while this pipeline's engine thread still answers the inputs
     * its stages refuse (503): the outbound ring then takes messages from both.
     */
    public SipPipeline(
        final PipelineConfig config, final List<ListenAddress> listen, final String userAgent,
        final OverloadConfig overload, final List<TrunkSources> trunks,
        final SecurityConfig security, final TcpConfig tcpConfig, final TlsConfig tls, final NanoClock clock,
        final boolean sendersOnTwoThreads)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = clock;
        if (config.tickIntervalMs() <= 0)
        {
            throw new IllegalArgumentException("pipeline tickIntervalMs must be > 0: " + config.tickIntervalMs());
        }

        inboundWait = new EngineWakeup(WaitStrategies.of(config.waitStrategy()));
        inboundRing = RingBuffer.createMultiProducer(InboundEvent::new, config.inboundRingSize(), inboundWait);
        // Single producer where only the engine thread sends (the engine is this pipeline's inbound handler).
        outboundRing = sendersOnTwoThreads ?
            RingBuffer.createMultiProducer(
                OutboundEvent::new, config.outboundRingSize(), WaitStrategies.of(config.waitStrategy())) :
            RingBuffer.createSingleProducer(
                OutboundEvent::new, config.outboundRingSize(), WaitStrategies.of(config.waitStrategy()));
        sender = new OutboundPublisher(outboundRing, counters);
        this.sendersOnTwoThreads = sendersOnTwoThreads;

        final List<InetSocketAddress> udpAddresses = new ArrayList<>();
        final List<InetSocketAddress> tcpAddresses = new ArrayList<>();
        final List<InetSocketAddress> tlsAddresses = new ArrayList<>();
        for (final ListenAddress address : listen)
        {
            (address.transport() == Transport.TLS ? tlsAddresses :
                address.transport() == Transport.TCP ? tcpAddresses : udpAddresses).add(address.address());
        }

        // One guard per receive thread (each counts its own), both given the same rules by a reload.
        udpBorder = new BorderGuard(trunks, security, new BorderGuard.Counters(counters.udpUnknownRejected,
            counters.udpUnknownDropped, counters.udpFloodDropped, counters.udpFloodBlocks));
        tcpBorder = new BorderGuard(trunks, security, new BorderGuard.Counters(counters.tcpUnknownRejected,
            counters.tcpUnknownDropped, counters.tcpFloodDropped, counters.tcpFloodBlocks));
        publisher = new InboundPublisher(inboundRing, counters);
        progress = new EngineProgress(inboundRing, clock);
        udp = new UdpTransport(udpAddresses, publisher, new Admission(progress, overload,
            new OverloadResponder(userAgent, overload.retryAfterSeconds()),
            counters.udpAdmitted, counters.udpShed, counters.udpAbsorbed), counters, udpBorder);
        // An engine that reads UDP itself (pipeline.udp-receive: engine) leaves its lag in the sockets: admission
        // always reads their wait then.
        udp.stampArrivals(overload.socketWait() || config.udpReceive() == PipelineConfig.UdpReceive.ENGINE);
        tcpPoller = outboundRing.newPoller();
        tcp = new TcpTransport(tcpAddresses, tlsAddresses, tls == null ? null : TlsContext.create(tls), publisher,
            new Admission(progress, overload,
            new OverloadResponder(userAgent, overload.retryAfterSeconds()),
            counters.tcpAdmitted, counters.tcpShed, counters.tcpAbsorbed), counters, tcpPoller, tcpBorder,
            tcpConfig, clock);
        ticker = new Ticker(inboundRing, TimeUnit.MILLISECONDS.toNanos(config.tickIntervalMs()), counters);

        outboundRing.addGatingSequences(tcpPoller.getSequence());
    }

    /**
     * A reload of the border: the receive threads judge sources by {@code trunks} and {@code security}'s
     * unknown-sources and unlimited trunks from their next message on (the flood limit's numbers stay). Any thread.
     */
    public void reloadBorder(final List<TrunkSources> trunks, final SecurityConfig security)
    {
        udpBorder.reload(trunks, security);
        tcpBorder.reload(trunks, security);
    }

    /** Where inputs that do not come from SIP sockets (webhook answers, reloads) are published; any thread. */
    public InboundPublisher inputs()
    {
        return publisher;
    }

    /** The engine's way out. Engine thread only; usable before {@link #start}. */
    public SipSender sender()
    {
        return sender;
    }

    /**
     * Adds an inbound stage: it sees every event on the engine thread just before the engine, in the order stages
     * were added. The journal stage comes in this way (it appends each input before the engine acts on it). A stage
     * may restamp {@link InboundEvent#timeNs} but must not touch the message. An exception in a stage is counted
     * ({@link PipelineCounters#inboundStageErrors}) and the input is not applied: the engine does not get it, and a
     * request gets 503 (see {@link EngineHandler}). Before {@link #start} only.
     */
    public synchronized SipPipeline addInboundStage(final EventHandler<InboundEvent> stage)
    {
        checkNotStarted();
        extraInboundStages.add(Objects.requireNonNull(stage, "stage"));
        return this;
    }

    /** Sets who sees each message the send stage hands to a transport (see {@link OutboundObserver}). */
    public synchronized SipPipeline outboundObserver(final OutboundObserver observer)
    {
        checkNotStarted();
        outboundObserver = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /**
     * Has a copy of every SIP message the transports read from or write to a socket go to {@code taps} (HEP
     * capture): a tap each for the UDP receive thread, the send thread and the TCP thread. Before {@link #start}.
     */
    public synchronized SipPipeline capture(final PacketTap.Source taps)
    {
        checkNotStarted();
        udp.taps(taps.newTap(), taps.newTap());
        tcp.tap(taps.newTap());
        return this;
    }

    /**
     * Sends nothing, neither the engine's messages nor the receive threads' stateless answers, while {@code gate} is
     * closed (a cluster member without the leader's lease); counted as fenced. Before {@link #start}.
     */
    public synchronized SipPipeline gate(final SendGate gate)
    {
        checkNotStarted();
        udp.gate(gate);
        tcp.gate(gate);
        gated = gate != SendGate.OPEN;
        return this;
    }

    /**
     * The real-time clock the UDP sockets' arrival stamps are compared with, to know how long a datagram waited in
     * the kernel before the receive thread read it (admission counts that wait); the system's by default. Before
     * {@link #start}; tests step it.
     */
    public synchronized SipPipeline udpArrivalClock(final EpochNanoClock clock)
    {
        checkNotStarted();
        udp.arrivalClock(clock);
        return this;
    }

    private void checkNotStarted()
    {
        if (started || closed)
        {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
    }

    /**
     * Binds every listener without starting any thread, so that the ports the system chose for a configured port 0
     * are known ({@link #boundAddresses()}) before the engine that advertises them is built. Datagrams and
     * connections that arrive before {@link #start} wait in the kernel's buffers. Optional: {@link #start} binds
     * when this was not called.
     *
     * @throws IOException naming the address that could not be bound; nothing is left bound then (the pipeline is
     *                     closed).
     */
    /**
     * UDP peers (the route targets) whose ICMP port unreachable answers reach the engine as transport failures, so
     * that a closed port is passed over at once (UdpTransport#watch). Before {@link #bind()}.
     */
    public synchronized void watchUdpPeers(final List<InetSocketAddress> peers)
    {
        checkNotStarted();
        udp.watch(peers);
    }

    public synchronized void bind() throws IOException
    {
        if (bound)
        {
            return;
        }
        checkNotStarted();
        bound = true;
        try
        {
            udp.batchSystemCalls(config.udpSyscalls() == PipelineConfig.UdpSyscalls.BATCHED);
            udp.bind();
            tcp.bind();
        }
        catch (final IOException | RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Binds every listener (unless {@link #bind()} did), then starts the threads with {@code engine} as the engine
     * stage.
     *
     * @throws IOException naming the address that could not be bound; nothing is left running or bound then.
     */
    public synchronized void start(final InboundHandler engine) throws IOException
    {
        Objects.requireNonNull(engine, "engine");
        bind();
        if (started || closed)
        {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;

        final BatchEventProcessorBuilder builder = new BatchEventProcessorBuilder();
        final boolean engineMaySendUdp = !sendersOnTwoThreads && !gated && outboundObserver == OutboundObserver.NONE;
        // Reading in batches, as only then does the engine learn from the arrival stamps that it is behind.
        final boolean engineReceives = engineMaySendUdp && udp.readsInBatches() &&
            config.udpReceive() == PipelineConfig.UdpReceive.ENGINE && !udp.boundAddresses().isEmpty();

        // The engine is the one consumer of the inbound ring: it waits on the cursor, where the wait strategy blocks
        // (or, reading UDP itself, in the sockets' selector). Added stages run in its handler, before it, so they
        // need no sequence of their own.
        final List<EventHandler<InboundEvent>> stages = List.copyOf(extraInboundStages);
        final EngineHandler engineHandler = new EngineHandler(engine, sender, stages, counters, clock);
        final CountingExceptionHandler<InboundEvent> engineErrors =
            new CountingExceptionHandler<>("engine", counters.engineErrors);
        final BatchEventProcessor<OutboundEvent> send =
            builder.build(outboundRing, outboundRing.newBarrier(), new SendHandler(
                udp, tcp, tcpPoller.getSequence(), outboundRing.getBufferSize(), outboundObserver));
        send.setExceptionHandler(new CountingExceptionHandler<>("send", counters.sendHandlerErrors));
        outboundRing.addGatingSequences(send.getSequence());
        sendStage = send;

        final Runnable engineLoop;
        if (engineReceives)
        {
            // It moves between reading UDP itself and the staged pipeline, sending its UDP itself or through the
            // send stage accordingly.
            final EventPoller<InboundEvent> poller = inboundRing.newPoller();
            progress.engineSequence(poller.getSequence());
            inboundRing.addGatingSequences(poller.getSequence());
            standbyReceiver = new StandbyReceiver(udp);
            receivingEngine = new ReceivingEngine(inboundRing, poller, engineHandler, engineErrors, udp, inboundWait,
                standbyReceiver, sender, outboundRing, send.getSequence(), clock, counters);
            progress.pauseListener(receivingEngine);
            engineLoop = receivingEngine;
        }
        else
        {
            engineStage = builder.build(inboundRing, inboundRing.newBarrier(), engineHandler);
            progress.engineSequence(engineStage.getSequence());
            engineStage.setExceptionHandler(engineErrors);
            inboundRing.addGatingSequences(engineStage.getSequence());
            engineLoop = engineStage;
            if (config.udpSend() == PipelineConfig.UdpSend.ENGINE && engineMaySendUdp)
            {
                // pipeline.udp-send: engine. The engine is then the UDP transport's one sending thread; the send
                // stage still runs, for TCP (it wakes the TCP thread), and sees no UDP slot.
                sender.sendUdpDirectly(udp);
            }
        }

        // Consumers first, so that nothing published waits for a thread that has not started.
        startThread("send", send);
        startThread("engine", engineLoop);
        startThread("tcp", tcp);
        if (!udp.boundAddresses().isEmpty())
        {
            startThread("udp", engineReceives ? standbyReceiver : udp);
        }
        startThread("ticker", ticker);
    }

    /**
     * With pipeline.udp-receive: engine, keeps the engine reading the UDP sockets itself ({@code true}) or the
     * staged pipeline reading them ({@code false}) whatever its load, until called with {@code null}, which lets its
     * load choose again (docs/overload.md, "Run to completion"). For the warm-up node, whose code must be compiled
     * for both ways while it runs flat out. No effect on a pipeline whose engine does not read UDP. Any thread,
     * after {@link #start}.
     */
    public synchronized void holdEngineReadingUdp(final Boolean engineReads)
    {
        final ReceivingEngine engine = receivingEngine;
        if (engine != null)
        {
            engine.hold(engineReads == null ? null :
                engineReads ? ReceivingEngine.Way.RUN_TO_COMPLETION : ReceivingEngine.Way.STAGED);
        }
    }

    /** Bound addresses with ports resolved, UDP first then TCP then TLS, each in {@code listen} order. */
    public List<ListenAddress> boundAddresses()
    {
        final List<ListenAddress> bound = new ArrayList<>();
        for (final InetSocketAddress address : udp.boundAddresses())
        {
            bound.add(new ListenAddress(Transport.UDP, address));
        }
        for (final InetSocketAddress address : tcp.boundAddresses())
        {
            bound.add(new ListenAddress(Transport.TCP, address));
        }
        for (final InetSocketAddress address : tcp.boundTlsAddresses())
        {
            bound.add(new ListenAddress(Transport.TLS, address));
        }
        return bound;
    }

    /** The first bound address of {@code transport}; null when there is none. */
    public InetSocketAddress localAddress(final int transport)
    {
        final List<InetSocketAddress> addresses = transport == Transport.TLS ? tcp.boundTlsAddresses() :
            transport == Transport.TCP ? tcp.boundAddresses() : udp.boundAddresses();
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    /** The engine's backlog and lag, as admission control reads them (any thread). */
    public EngineProgress progress()
    {
        return progress;
    }

    /** Counts, readable from any thread. */
    public PipelineCounters counters()
    {
        return counters;
    }

    /** Free inbound slots (any thread); {@link #inboundRingSize()} minus this is the fill. */
    public long inboundRemainingCapacity()
    {
        return inboundRing.remainingCapacity();
    }

    public int inboundRingSize()
    {
        return inboundRing.getBufferSize();
    }

    /** Free outbound slots (any thread). */
    public long outboundRemainingCapacity()
    {
        return outboundRing.remainingCapacity();
    }

    public int outboundRingSize()
    {
        return outboundRing.getBufferSize();
    }

    public PipelineConfig config()
    {
        return config;
    }

    /**
     * Names of this pipeline's threads that have ended while it is open: a thread ends only when {@link #close()}
     * stops it, so one that ended before is a fault it did not survive (logged when it ended), and the node answers
     * in part or not at all. The admin's {@code GET /health} says so. Empty once closed.
     */
    public synchronized List<String> stoppedThreads()
    {
        final List<String> stopped = new ArrayList<>();
        if (!closed)
        {
            for (final Thread thread : threads)
            {
                if (!thread.isAlive())
                {
                    stopped.add(thread.getName());
                }
            }
        }
        return stopped;
    }

    /** The ticker, to end its thread in tests of {@link #stoppedThreads()}. */
    Ticker ticker()
    {
        return ticker;
    }

    /** Threads started and not yet ended (for tests and diagnostics). */
    public synchronized List<Thread> liveThreads()
    {
        final List<Thread> live = new ArrayList<>();
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                live.add(thread);
            }
        }
        return live;
    }

    /**
     * Stops every thread and closes every socket. Producers stop first, then the inbound stages, then the
     * send stage and the TCP thread (which also writes), so no stage is left waiting on one that is gone.
     * Events still in the rings are not processed. Each thread is given {@link #JOIN_TIMEOUT_MS}, then
     * interrupted (an engine stuck in its own code).
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        ticker.stop();
        udp.stop();
        if (standbyReceiver != null)
        {
            standbyReceiver.stop();
        }
        stopAndJoin("ticker");
        stopAndJoin("udp");

        if (receivingEngine != null)
        {
            receivingEngine.halt();
        }
        if (engineStage != null)
        {
            engineStage.halt();
        }
        stopAndJoin("engine");

        if (sendStage != null)
        {
            sendStage.halt();
        }
        stopAndJoin("send");
        tcp.stop();
        stopAndJoin("tcp");

        udp.close();
        tcp.close();
    }

    private void startThread(final String stage, final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, "referee-" + stage + threadSuffix);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((ended, ex) -> System.getLogger(SipPipeline.class.getName())
            .log(System.Logger.Level.ERROR, "pipeline thread " + ended.getName() + " ended on an uncaught " + ex, ex));
        threads.add(thread);
        thread.start();
    }

    private void stopAndJoin(final String stage)
    {
        final String name = "referee-" + stage + threadSuffix;
        for (final Thread thread : threads)
        {
            if (thread.getName().equals(name))
            {
                LockSupport.unpark(thread);
                join(thread);
            }
        }
    }

    private static void join(final Thread thread)
    {
        boolean interrupted = false;
        try
        {
            thread.join(JOIN_TIMEOUT_MS);
            if (thread.isAlive())
            {
                thread.interrupt();
                thread.join(JOIN_TIMEOUT_MS);
            }
        }
        catch (final InterruptedException ex)
        {
            interrupted = true;
        }

        if (thread.isAlive())
        {
            System.getLogger(SipPipeline.class.getName())
                .log(System.Logger.Level.ERROR, "thread did not stop: " + thread.getName());
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
