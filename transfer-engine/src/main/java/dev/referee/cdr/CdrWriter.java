package dev.referee.cdr;

import dev.referee.ring.MediaFigures;

import dev.referee.engine.events.EngineEvents;
import org.agrona.BitUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Call records: one JSON line per call leg, written to {@code cdr-YYYY-MM-DD.jsonl} in a directory when the call
 * ends (format in {@code docs/call-records.md}).
 * <p>
 * The {@link EngineEvents} methods run on the engine thread and never block nor touch a file: each copies its event
 * into a preallocated slot taken from a pool and publishes it on a bounded single-producer queue. When the pool is
 * empty (the writer is behind) the event is dropped and counted in {@link #droppedEvents()}. A writer thread, started
 * by {@link #start()}, turns events into records and appends lines; {@link #close()} drains what was published,
 * writes calls still open (with no end) and stops the thread.
 * <p>
 * Threads: the {@code on*} methods from one thread only (the engine's); {@link #start()} and {@link #close()} from
 * the thread that owns the node; the counters from any thread.
 */
public final class CdrWriter implements EngineEvents, AutoCloseable
{
    /** Events that can wait for the writer: about a second of a busy node's call and transfer events. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16 * 1024;
    /**
     * The writer has nothing latency-critical to do: sleeping leaves the cores to the engine and receivers. 50 ms:
     * at 3,000 calls/s a 1 ms sleep woke the writer 800 times a second for a few calls each, a write system call per
     * wake, and its CPU was two thirds system time (42 ms per second, 14 us per call); at 10 ms it still woke 100
     * times a second, idle or not, at 50-80 us of CPU a wake-up on this kind of VM (docs/benchmarks.md, "Fewer
     * wake-ups"). A record reaches its file within about 50 ms of the call's end; the queue holds about a second.
     */
    private static final long IDLE_SLEEP_MS = 50;
    /** How long close waits for the writer thread before interrupting it (and waiting again). */
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private final OneToOneConcurrentArrayQueue<CdrEvent> published;
    private final OneToOneConcurrentArrayQueue<CdrEvent> free;
    private final CdrAgent agent;
    private final AgentRunner runner;
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong writerErrors = new AtomicLong();

    /** With {@link #DEFAULT_QUEUE_CAPACITY}. */
    public CdrWriter(final Path dir, final WallClockMapping clock) throws IOException
    {
        this(dir, DEFAULT_QUEUE_CAPACITY, clock);
    }

    /**
     * Creates {@code dir} if missing; does not start the writer thread.
     *
     * @param dir           where the daily files go ({@code cdr.dir}).
     * @param queueCapacity events that can wait for the writer, rounded up to a power of two.
     * @param clock         maps engine nanos to wall-clock time, e.g. {@link WallClockMapping#capture()}.
     */
    public CdrWriter(final Path dir, final int queueCapacity, final WallClockMapping clock) throws IOException
    {
        // Due times are engine time (an ended call's plus the wait for its media figures): now, in the same time.
        this(dir, queueCapacity, clock, clock::engineNsNow);
    }

    /** With {@code nanoClock} for when records waiting for media figures are due (tests). */
    CdrWriter(final Path dir, final int queueCapacity, final WallClockMapping clock, final LongSupplier nanoClock)
        throws IOException
    {
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(2, queueCapacity));
        published = new OneToOneConcurrentArrayQueue<>(capacity);
        free = new OneToOneConcurrentArrayQueue<>(capacity);
        for (int i = 0; i < capacity; i++)
        {
            free.offer(new CdrEvent());
        }
        agent = new CdrAgent(published, free, clock, new DailyCdrFiles(dir), nanoClock);
        runner = new AgentRunner(new SleepingMillisIdleStrategy(IDLE_SLEEP_MS), this::onWriterError, null, agent);
    }

    /** Starts the writer thread ({@code cdr-writer}). */
    public CdrWriter start()
    {
        AgentRunner.startOnThread(runner);
        return this;
    }

    /**
     * Stops the writer after it has written everything published so far, plus a line per leg for each call still
     * open (no end, no cause). Not started: does the same on the calling thread. Call it after the engine stopped.
     */
    @Override
    public void close()
    {
        runner.close(CLOSE_TIMEOUT_MS, (thread) -> onWriterError(
            new IllegalStateException("cdr-writer did not stop within " + CLOSE_TIMEOUT_MS + " ms, interrupting")));
    }

    /** Events lost because the queue was full. A lost end leaves its call open until close. */
    public long droppedEvents()
    {
        return droppedEvents.get();
    }

    /** Errors on the writer thread (file I/O): the records of the batch in hand are lost. */
    public long writerErrors()
    {
        return writerErrors.get();
    }

    /** Lines (legs) encoded so far; written at the end of the batch they are in. */
    public long linesWritten()
    {
        return agent.linesWritten();
    }

    /** Events for a call the writer did not know (its creation was dropped) or a transfer it did not see start. */
    public long unmatchedEvents()
    {
        return agent.unmatchedEvents();
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.CALL_CREATED, nowNs, callId)
                .text(0, callerLegCallId)
                .text(1, calleeLegCallId)
                .text(2, from)
                .text(3, to)
                .text(4, target)
                .otherId = parentCallId;
            publish(event);
        }
    }

    @Override
    public void onLegRinging(final long nowNs, final long callId, final int status)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.LEG_RINGING, nowNs, callId).status = status;
            publish(event);
        }
    }

    @Override
    public void onLegAnswered(final long nowNs, final long callId)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            publish(event.reset(CdrEvent.LEG_ANSWERED, nowNs, callId));
        }
    }

    @Override
    public void onReferReceived(final long nowNs, final long callId, final CharSequence transferor,
        final CharSequence transferee, final CharSequence referTo, final CharSequence referredBy)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            publish(event.reset(CdrEvent.REFER_RECEIVED, nowNs, callId)
                .text(0, transferor)
                .text(1, transferee)
                .text(2, referTo)
                .text(3, referredBy));
        }
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.TRANSFER_REFUSED, nowNs, callId).text(0, reason).status = status;
            publish(event);
        }
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId, final CharSequence kind,
        final CharSequence target)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.TRANSFER_STARTED, nowNs, callId).text(0, kind).text(1, target).otherId = transferId;
            publish(event);
        }
    }

    /** Not recorded: target ringing changes nothing in the call's record, so it does not use a queue slot. */
    @Override
    public void onTransferTargetRinging(final long nowNs, final long callId, final long transferId, final int status)
    {
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.TRANSFER_COMPLETED, nowNs, callId).otherId = transferId;
            event.newCallId = newCallId;
            publish(event);
        }
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.TRANSFER_FAILED, nowNs, callId).text(0, reason).otherId = transferId;
            event.status = status;
            publish(event);
        }
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.CALL_ENDED, nowNs, callId).text(0, cause).status = status;
            publish(event);
        }
    }

    @Override
    public void onMediaClosing(final long nowNs, final long callId, final boolean callerLeg, final long endpointId)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            final CdrEvent closing = event.reset(CdrEvent.MEDIA_CLOSING, nowNs, callId);
            closing.otherId = endpointId;
            closing.status = callerLeg ? 1 : 0;
            publish(event);
        }
    }

    @Override
    public void onMediaStats(final long nowNs, final long endpointId, final MediaFigures figures)
    {
        final CdrEvent event = claim();
        if (null != event)
        {
            event.reset(CdrEvent.MEDIA_STATS, nowNs, 0).otherId = endpointId;
            event.figures.set(figures);
            publish(event);
        }
    }

    private CdrEvent claim()
    {
        final CdrEvent event = free.poll();
        if (null == event)
        {
            droppedEvents.incrementAndGet();
        }
        return event;
    }

    private void publish(final CdrEvent event)
    {
        // Cannot fail: the published queue holds as many slots as exist in the pool.
        published.offer(event);
    }

    private void onWriterError(final Throwable error)
    {
        writerErrors.incrementAndGet();
        System.err.println("cdr-writer: " + error);
    }
}
