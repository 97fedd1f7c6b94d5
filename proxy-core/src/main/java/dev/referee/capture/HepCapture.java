package dev.referee.capture;

import dev.referee.ring.Counter;
import dev.referee.ring.PacketTap;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HEP capture of one node (the {@code hep} section): the capture ring, a {@link HepTap} for each transport thread
 * ({@link #newTap()}, given to the pipeline before it starts) and the sender thread running the {@link HepAgent}.
 * <pre>
 *  referee-udp  ──┐ HepTap
 *  referee-send ──┼────────► capture ring (bounded) ──► referee-hep (HepAgent) ──► collector (udp or tcp)
 *  referee-tcp  ──┘         full: dropped, counted
 * </pre>
 * Use: construct, hand to {@code SipPipeline.capture}, {@link #start()}, read the counts from any thread,
 * {@link #close()} after the pipeline is closed.
 */
public final class HepCapture implements PacketTap.Source, AutoCloseable
{
    /**
     * Capture ring size: about 4,000 messages of 1 KB, a second of a busy node's traffic, to ride out a collector
     * that pauses; the largest message a record holds is an eighth of it (512 KiB), above any SIP message.
     */
    static final int RING_BYTES = 4 * 1024 * 1024;
    /**
     * The sender thread sleeps this long when the ring is empty: capture is not latency-critical, and the ring holds
     * far more than 10 ms of traffic (50,000 messages/s would put 500 in it). Measured: sleeping 1 ms cost an idle
     * node about 15 ms of CPU per second in wake-ups alone.
     */
    private static final long IDLE_MS = 10;

    private final ManyToOneRingBuffer ring;
    private final HepAgent agent;
    private final List<HepTap> taps = new CopyOnWriteArrayList<>();
    private AgentRunner runner;

    /** Capture to the configured collector, with the system clocks. */
    public HepCapture(final HepConfig config)
    {
        this(config, RING_BYTES, new SystemNanoClock(), new SystemEpochNanoClock());
    }

    HepCapture(final HepConfig config, final int ringBytes, final NanoClock nanoClock,
        final EpochNanoClock epochClock)
    {
        if (!config.enabled())
        {
            throw new IllegalArgumentException("hep is off");
        }
        ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        final HepSender sender = config.transport() == HepConfig.Transport.TCP ?
            new TcpHepSender(config.collector()) : new UdpHepSender(config.collector());
        agent = new HepAgent(ring, sender, new HepEncoder(config.agentId(), config.password()), nanoClock,
            epochClock);
    }

    /** A tap for one transport thread; before the pipeline starts. */
    @Override
    public PacketTap newTap()
    {
        final HepTap tap = new HepTap(ring);
        taps.add(tap);
        return tap;
    }

    /** Starts the sender thread, {@code referee-hep}. */
    public synchronized HepCapture start()
    {
        if (runner == null)
        {
            final IdleStrategy idle = new SleepingMillisIdleStrategy(IDLE_MS);
            runner = new AgentRunner(idle, ex -> System.getLogger(HepCapture.class.getName())
                .log(System.Logger.Level.WARNING, "HEP sender", ex), null, agent);
            // A daemon, as the pipeline's threads: capture must never keep a stopping JVM alive.
            AgentRunner.startOnThread(runner, task ->
            {
                final Thread thread = new Thread(task);
                thread.setDaemon(true);
                return thread;
            });
        }
        return this;
    }

    /** HEP packets handed to the collector's socket. */
    public long sent()
    {
        return agent.sent.get();
    }

    /**
     * Messages not sent because capture could not keep up or reach the collector: the ring was full, the collector
     * was not connected, or its socket buffer was full.
     */
    public long dropped()
    {
        return agent.dropped.get() + sum(false);
    }

    /** Messages not sent because the socket failed (collector port unreachable, connection reset) or too long. */
    public long errors()
    {
        return agent.errors.get();
    }

    /** Messages the taps put in the ring (sent, dropped by the sender or errors, once the ring is drained). */
    long captured()
    {
        return sum(true);
    }

    /** Stops the sender thread (what is still in the ring is not sent) and closes its socket. */
    @Override
    public synchronized void close()
    {
        CloseHelper.quietClose(runner);
        if (runner == null)
        {
            agent.onClose();
        }
    }

    private long sum(final boolean captured)
    {
        long total = 0;
        for (final HepTap tap : taps)
        {
            final Counter counter = captured ? tap.captured : tap.dropped;
            total += counter.get();
        }
        return total;
    }
}
