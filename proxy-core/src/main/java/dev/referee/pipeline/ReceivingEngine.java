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
 * It starts staged (a node's first second is its coldest), moves to run to completion once every batch's oldest
 * input waited at most {@link #CALM_LAG_NS} for {@link #CALM_NS}, and back to staged when a datagram it read waited
 * more than {@link #BEHIND_NS} in its socket, or when a planned pause (a journal snapshot) begins. So overload, a
 * cold start and a pause meet the staged pipeline, whose behaviour there is measured, and a node that keeps up pays
 * less for each call.
 * <p>
 * An exception from the engine is counted and logged, and the engine goes on with the next input, as the
 * processor of the staged pipeline does.
 */
final class ReceivingEngine implements Runnable, PlannedPause
{
    /** A datagram that waited this long in its socket says the engine is behind: staged from then on. */
    static final long BEHIND_NS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Staged, the engine reads the sockets again once no batch's oldest input waited more than this ... */
    static final long CALM_LAG_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** ... for this long. */
    static final long CALM_NS = TimeUnit.SECONDS.toNanos(1);
    /** The wait in the selector lasts until a datagram comes or a producer's publish wakes it (the ticker's too). */
    private static final long UNTIL_WOKEN = -1;
    private static final long NONE = Long.MIN_VALUE;

    private final RingBuffer<InboundEvent> ring;
    private final EventPoller<InboundEvent> poller;
    private final UdpTransport udp;
    private final EngineWakeup wakeup;
    private final StandbyReceiver receiver;
    private final OutboundPublisher sender;
    private final RingBuffer<OutboundEvent> outbound;
    private final Sequence sendStage;
    private final NanoClock clock;
    private final EventPoller.Handler<InboundEvent> handler;
    private volatile boolean running = true;
    /** True while this thread reads the sockets (run to completion); false while the receive thread does. */
    private boolean engineReads;
    private boolean inPause;
    /** Receive time of the first input of the batch being handled. */
    private long batchOldestNs = NONE;
    /** Staged: when a batch last waited more than {@link #CALM_LAG_NS}. */
    private long lastBehindNs;
    private final PipelineCounters counters;

    ReceivingEngine(final RingBuffer<InboundEvent> ring, final EventPoller<InboundEvent> poller,
        final EngineHandler engine, final ExceptionHandler<InboundEvent> errors, final UdpTransport udp,
        final EngineWakeup wakeup, final StandbyReceiver receiver, final OutboundPublisher sender,
        final RingBuffer<OutboundEvent> outbound, final Sequence sendStage, final NanoClock clock,
        final PipelineCounters counters)
    {
        this.counters = counters;
        this.ring = ring;
        this.poller = poller;
        this.udp = udp;
        this.wakeup = wakeup;
        this.receiver = receiver;
        this.sender = sender;
        this.outbound = outbound;
        this.sendStage = sendStage;
        this.clock = clock;
        this.handler = (event, sequence, endOfBatch) ->
        {
            if (batchOldestNs == NONE)
            {
                batchOldestNs = event.timeNs;
            }
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
        lastBehindNs = clock.nanoTime();
        receiver.give();
        try
        {
            while (running)
            {
                batchOldestNs = NONE;
                final boolean handled = poller.poll(handler) == EventPoller.PollState.PROCESSING;
                if (engineReads)
                {
                    runToCompletionTurn(handled);
                }
                else
                {
                    stagedTurn(handled);
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
        if (udp.receive(0) > 0)
        {
            judgeSocketWait();
            return;
        }
        if (handled)
        {
            return;
        }
        wakeup.waiting(EngineWakeup.IN_SELECTOR);
        if (published())
        {
            wakeup.waiting(EngineWakeup.BUSY);
            return;
        }
        final int read = udp.receive(UNTIL_WOKEN);
        wakeup.waiting(EngineWakeup.BUSY);
        if (read > 0)
        {
            judgeSocketWait();
        }
    }

    private void stagedTurn(final boolean handled)
    {
        if (handled)
        {
            final long nowNs = clock.nanoTime();
            if (nowNs - batchOldestNs > CALM_LAG_NS)
            {
                lastBehindNs = nowNs;
            }
            else if (nowNs - lastBehindNs >= CALM_NS && !inPause)
            {
                toRunToCompletion();
            }
            return;
        }
        wakeup.waiting(EngineWakeup.PARKED);
        if (published())
        {
            wakeup.waiting(EngineWakeup.BUSY);
            return;
        }
        LockSupport.park(this);
        wakeup.waiting(EngineWakeup.BUSY);
    }

    private void judgeSocketWait()
    {
        if (udp.longestSocketWaitNs() > BEHIND_NS)
        {
            toStaged();
        }
    }

    /** Something published since the last poll (claimed, at least: its publish follows at once). */
    private boolean published()
    {
        return ring.getCursor() > poller.getSequence().get();
    }

    private void toStaged()
    {
        sender.sendUdpThroughRing();
        engineReads = false;
        receiver.give();
        lastBehindNs = clock.nanoTime();
        counters.engineToStaged.increment();
    }

    private void toRunToCompletion()
    {
        receiver.takeBack();
        // The send stage may still be writing datagrams this thread published to it: the socket's sending side is
        // one thread's, and the order of the messages is kept, so this waits for it to be done (microseconds).
        final long published = outbound.getCursor();
        while (sendStage.get() < published)
        {
            Thread.onSpinWait();
        }
        sender.sendUdpDirectly(udp);
        engineReads = true;
        counters.engineToRunToCompletion.increment();
    }

    /** Engine thread: a planned pause begins: the receive thread reads the sockets during it, and after it. */
    @Override
    public void pauseBegins()
    {
        inPause = true;
        if (engineReads)
        {
            toStaged();
        }
    }

    @Override
    public void pauseEnds()
    {
        inPause = false;
        lastBehindNs = clock.nanoTime(); // staged until the pause's backlog is handled and the lag calm again
    }

    /** Makes {@link #run()} return after the input it is handling; any thread. */
    void halt()
    {
        running = false;
        udp.wakeup();
        wakeup.signalAllWhenBlocking();
    }
}
