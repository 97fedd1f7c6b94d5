package dev.referee.media;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/**
 * The media relay of one node: one thread ({@code referee-media}) that owns every endpoint's sockets, driven by
 * commands and heard through reports.
 * <pre>
 *  engine thread ──MediaCommands──► command ring (bounded) ──► referee-media: CommandAdapter
 *                                                                  │ Selector over every endpoint's sockets
 *                                                                  ▼ PacketForwarder (peer ─► far peer), IdleMonitor
 *  reader thread ◄──MediaReports─── report ring (bounded) ◄───── ReportPublisher
 * </pre>
 * Neither side ever waits for the other: a full command ring refuses the command ({@link MediaCommands} returns
 * false), a full report ring drops the report (counted). Use: construct, {@link #start()}, post commands, poll
 * reports, {@link #close()}.
 */
public final class MediaRelay implements AutoCloseable
{
    /** {@link RelayWait#POLL}'s back-off: a few spins and yields, then parks growing to 1 ms. */
    private static final long MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final RelayConfig config;
    private final Selector selector;
    private final RelayCounters counters = new RelayCounters();
    private final MediaCommands commands;
    private final MediaReports reports;
    private final MediaRelayAgent agent;
    private AgentRunner runner;

    /** A relay on the system clock. */
    public MediaRelay(final RelayConfig config)
    {
        this(config, new SystemNanoClock(), config.waiting());
    }

    /**
     * {@code wait}: {@link RelayWait#POLL} also makes {@link #doWork()} never block, for tests that step the relay
     * on their own thread with a test clock.
     */
    MediaRelay(final RelayConfig config, final NanoClock clock, final RelayWait wait)
    {
        this.config = config.withWaiting(wait);
        try
        {
            selector = Selector.open();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("media relay selector", ex);
        }
        final OneToOneRingBuffer commandRing = ring(config.commandRingBytes());
        final OneToOneRingBuffer reportRing = ring(config.reportRingBytes());
        final boolean blocking = wait == RelayWait.SELECT;
        // A command must not wait for the selector's timeout: wake it (a no-op when it is not blocked).
        commands = new MediaCommands(commandRing, blocking ? selector::wakeup : () -> { });
        reports = new MediaReports(reportRing);
        agent = new MediaRelayAgent(config, selector, clock,
            blocking ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(config.tickNs())) : 0, commandRing, reportRing,
            counters);
    }

    /** The engine's side: one writer thread. */
    public MediaCommands commands()
    {
        return commands;
    }

    /** The reports' side: one reader thread. */
    public MediaReports reports()
    {
        return reports;
    }

    /** Totals; any thread. */
    public RelayCounters counters()
    {
        return counters;
    }

    /** Starts the relay thread. */
    public synchronized MediaRelay start()
    {
        if (runner == null)
        {
            final IdleStrategy idle = config.waiting() == RelayWait.SELECT ? NoOpIdleStrategy.INSTANCE :
                new BackoffIdleStrategy(10, 10, 1_000, MAX_PARK_NS);
            runner = new AgentRunner(idle, ex -> System.getLogger(MediaRelay.class.getName())
                .log(System.Logger.Level.WARNING, "media relay", ex), null, agent);
            AgentRunner.startOnThread(runner, task ->
            {
                final Thread thread = new Thread(task);
                thread.setDaemon(true);
                return thread;
            });
        }
        return this;
    }

    /** The relay thread (benchmarks read its CPU time); null before {@link #start()}. */
    public synchronized Thread thread()
    {
        return runner == null ? null : runner.thread();
    }

    /** One duty cycle on the calling thread, for tests that do not start the relay thread. */
    int doWork()
    {
        return agent.doWork();
    }

    /** Stops the thread and closes every endpoint's sockets. */
    @Override
    public synchronized void close()
    {
        if (runner != null)
        {
            selector.wakeup();
            CloseHelper.quietClose(runner);
        }
        else
        {
            agent.onClose();
        }
        CloseHelper.quietClose(selector);
    }

    private static OneToOneRingBuffer ring(final int bytes)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(bytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }
}
