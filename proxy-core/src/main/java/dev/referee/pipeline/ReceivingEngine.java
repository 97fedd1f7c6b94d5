package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.ring.PipelineCounters;
import dev.referee.ring.PlannedPause;
import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine thread of pipeline.udp-receive: engine. It runs the engine's stages ({@link EngineHandler}) on the
 * inputs of the inbound ring in one of two ways, and moves between them by itself:
 * <ul>
 *   <li><b>run to completion</b>, while it keeps up: it takes turns between the ring (inputs from the TCP thread,
 *   the ticker, webhook answers, and the datagrams it read itself) and a read of the UDP sockets, whose datagrams it
 *   parses, judges and publishes to the ring as the receive thread would; it writes its UDP messages itself at the
 *   end of each batch. With neither to do it waits in the sockets' selector, which a producer's publish wakes
 *   ({@link EngineWakeup}). A datagram is read, handled and answered on one thread: at 3,000 calls/s the staged
 *   pipeline's hand-offs cost a futex wake and a sleep per batch on each side, and the engine met each input's bytes
 *   cold, parsed on another core.</li>
 *   <li><b>staged</b>, while it is behind: the receive thread reads the sockets ({@link StandbyReceiver}) and the send
 *   stage writes UDP, as in the default pipeline, so that receiving, judging and shedding go on beside the engine, on
 *   another core, and what arrives waits in the ring, not in the kernel's socket buffer. It parks when the ring is
 *   empty.</li>
 * </ul>
 * It starts staged (a node's first second is its coldest), moves to run to completion after a window of
 * {@link #WINDOW_NS} in which handling inputs kept it busy for at most {@link #CALM_BUSY_SHARE} of the time, and
 * back to staged when the datagrams it reads have waited more than {@link #BEHIND_NS} in their socket for
 * {@link #STANDING_NS}, or when a planned pause (a journal snapshot) begins. So overload, a
 * cold start and a pause meet the staged pipeline, whose behaviour there is measured, and a node that keeps up pays
 * less for each call.
 * <p>
 * An exception from the engine is counted and logged, and the engine goes on with the next input, as the
 * processor of the staged pipeline does.
 */
final class ReceivingEngine implements Runnable, PlannedPause
{
    /** Who reads the UDP sockets and writes the engine's UDP. */
    enum Way
    {
        /** The receive thread reads, the send stage writes; the engine parks when its ring is empty. */
        STAGED,
        /** The engine thread reads and writes; it waits in the sockets' selector. */
        RUN_TO_COMPLETION
    }

    /**
     * Datagrams that waited this long in their socket, read one after the other for {@link #STANDING_NS}, say the
     * engine is behind (a queue that stands, not a passing stall: a young collection, a busy core): staged from then
     * on.
     */
    static final long BEHIND_NS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long STANDING_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long NEVER = Long.MIN_VALUE;
    /**
     * Staged, the engine judges its load over windows of this length: the time it spent handling inputs. Reading the
     * sockets and writing its datagrams itself, it would spend some 1.7 times that (measured at 3,000 calls/s: the
     * receive and send threads' time, less the hand-offs saved).
     */
    static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(1);
    /** A window in which the engine was busy for at most this share moves it to run to completion. */
    static final double CALM_BUSY_SHARE = 0.4;
    /** The wait in the selector lasts until a datagram comes or a producer's publish wakes it (the ticker's too). */
    private static final long UNTIL_WOKEN = -1;

    private final RingBuffer<InboundEvent> ring;
    private final EventPoller<InboundEvent> poller;
    private final UdpTransport udp;
    private final EngineWakeup wakeup;
    private final StandbyReceiver receiver;
    private final OutboundPublisher sender;
    private final RingBuffer<OutboundEvent> outbound;
    private final Sequence sendStage;
    private final NanoClock clock;
    private final PipelineCounters counters;
    private final EventPoller.Handler<InboundEvent> handler;
    private volatile boolean running = true;
    private Way way = Way.STAGED;
    /** A way held from outside ({@link #hold}); null: chosen by the engine's load. */
    private volatile Way held;
    private boolean inPause;
    /** Run to completion: since when every read found a datagram that waited more than {@link #BEHIND_NS}. */
    private long behindSinceNs = NEVER;
    /** Staged: the start of the current window, and the time spent handling inputs in it. */
    private long windowStartNs;
    private long busyNs;

    ReceivingEngine(final RingBuffer<InboundEvent> ring, final EventPoller<InboundEvent> poller,
        final EngineHandler engine, final ExceptionHandler<InboundEvent> errors, final UdpTransport udp,
        final EngineWakeup wakeup, final StandbyReceiver receiver, final OutboundPublisher sender,
        final RingBuffer<OutboundEvent> outbound, final Sequence sendStage, final NanoClock clock,
        final PipelineCounters counters)
    {
        this.ring = ring;
        this.poller = poller;
        this.udp = udp;
        this.wakeup = wakeup;
        this.receiver = receiver;
        this.sender = sender;
        this.outbound = outbound;
        this.sendStage = sendStage;
        this.clock = clock;
        this.counters = counters;
        this.handler = (event, sequence, endOfBatch) ->
        {
            try
            {
                engine.onEvent(event, sequence, endOfBatch);
            }
            catch (final Throwable ex)
            {
                errors.handleEventException(ex, sequence, event);
            }
            return true;
        };
    }

    @Override
    public void run()
    {
        wakeup.engineThread(Thread.currentThread(), udp);
        newWindow(clock.nanoTime());
        receiver.give();
        try
        {
            while (running)
            {
                final Way wanted = held;
                if (wanted != null)
                {
                    move(wanted);
                }
                if (way == Way.RUN_TO_COMPLETION)
                {
                    final boolean handled = poller.poll(handler) == EventPoller.PollState.PROCESSING;
                    // A planned pause begun in that poll (a journal snapshot) gave the sockets to the receive thread:
                    // reading them now would make two readers of one selector, until the next calm window.
                    if (way == Way.RUN_TO_COMPLETION)
                    {
                        runToCompletionTurn(handled);
                    }
                }
                else
                {
                    stagedTurn();
                }
            }
        }
        catch (final IOException ex)
        {
            if (running)
            {
                System.getLogger(ReceivingEngine.class.getName()).log(System.Logger.Level.ERROR, "UDP receive", ex);
            }
        }
        catch (final Exception ex)
        {
            // poll() declares Exception, but the handler above catches everything the engine throws.
            System.getLogger(ReceivingEngine.class.getName()).log(System.Logger.Level.ERROR, "engine", ex);
        }
    }

    private void runToCompletionTurn(final boolean handled) throws IOException
    {
        assert way == Way.RUN_TO_COMPLETION : "the engine reads the UDP sockets only while it holds them";
        if (udp.receive(0) > 0)
        {
            judgeSocketWait();
            return;
        }
        if (handled)
        {
            return;
        }
        if (!aboutToWait(EngineWakeup.IN_SELECTOR))
        {
            return;
        }
        final int read = udp.receive(UNTIL_WOKEN);
        wakeup.waiting(EngineWakeup.BUSY);
        if (read > 0)
        {
            judgeSocketWait();
        }
    }

    private void stagedTurn() throws Exception
    {
        final long startNs = clock.nanoTime();
        if (poller.poll(handler) == EventPoller.PollState.PROCESSING)
        {
            final long endNs = clock.nanoTime();
            busyNs += endNs - startNs;
            if (endNs - windowStartNs >= WINDOW_NS)
            {
                final boolean calm = busyNs <= CALM_BUSY_SHARE * (endNs - windowStartNs) && !inPause && held == null;
                newWindow(endNs);
                if (calm)
                {
                    move(Way.RUN_TO_COMPLETION);
                }
            }
            return;
        }
        if (!aboutToWait(EngineWakeup.PARKED))
        {
            return;
        }
        LockSupport.park(this);
        wakeup.waiting(EngineWakeup.BUSY);
    }

    private void judgeSocketWait()
    {
        if (udp.longestSocketWaitNs() <= BEHIND_NS || held != null)
        {
            behindSinceNs = NEVER;
            return;
        }
        final long nowNs = clock.nanoTime();
        if (behindSinceNs == NEVER)
        {
            behindSinceNs = nowNs;
        }
        else if (nowNs - behindSinceNs >= STANDING_NS)
        {
            move(Way.STAGED);
        }
    }

    /**
     * Tells producers where this thread is about to wait, then looks at the ring once more: false, and busy again,
     * when something was published since the last poll (claimed, at least: its publish follows at once).
     */
    private boolean aboutToWait(final int where)
    {
        wakeup.waiting(where);
        if (ring.getCursor() > poller.getSequence().get())
        {
            wakeup.waiting(EngineWakeup.BUSY);
            return false;
        }
        return true;
    }

    /** Staged: a new window of load begins at {@code nowNs}. */
    private void newWindow(final long nowNs)
    {
        windowStartNs = nowNs;
        busyNs = 0;
    }

    /** The one transition: hands the sockets and the UDP writes over, and counts the move. */
    private void move(final Way next)
    {
        if (next == way)
        {
            return;
        }
        if (next == Way.STAGED)
        {
            sender.sendUdpThroughRing();
            receiver.give();
            behindSinceNs = NEVER;
            newWindow(clock.nanoTime());
            counters.engineToStaged.increment();
        }
        else
        {
            receiver.takeBack();
            // The send stage may still be writing datagrams this thread published to it: the socket's sending side
            // is one thread's, and the order of the messages is kept, so this waits for it to be done (microseconds).
            final long published = outbound.getCursor();
            while (sendStage.get() < published)
            {
                Thread.onSpinWait();
            }
            sender.sendUdpDirectly(udp);
            counters.engineToRunToCompletion.increment();
        }
        way = next;
    }

    /** Engine thread: a planned pause begins: the receive thread reads the sockets during it, and after it. */
    @Override
    public void pauseBegins()
    {
        inPause = true;
        move(Way.STAGED);
    }

    @Override
    public void pauseEnds()
    {
        inPause = false;
        newWindow(clock.nanoTime()); // staged for a window at least: the pause's backlog waits
    }

    /**
     * Keeps the engine in {@code way} whatever its load, from its next turn on (a planned pause still moves it to
     * the staged pipeline for the pause); null lets its load choose again. Any thread.
     */
    void hold(final Way way)
    {
        held = way;
        wakeup.signalAllWhenBlocking();
    }

    /** Makes {@link #run()} return after the input it is handling; any thread. */
    void halt()
    {
        running = false;
        udp.wakeup();
        wakeup.signalAllWhenBlocking();
    }
}
