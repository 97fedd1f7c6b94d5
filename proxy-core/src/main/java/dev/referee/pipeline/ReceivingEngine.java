package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;

import java.io.IOException;

/**
 * The engine thread of pipeline.udp-receive: engine (run to completion). It takes turns: the inputs published to
 * the inbound ring (by itself, the TCP thread, the ticker, webhook answers) through the engine's stages
 * ({@link EngineHandler}), then a read of the UDP sockets, whose datagrams it parses, judges and publishes to the
 * ring as the receive thread would, to handle them in the next turn; it sends its UDP messages itself at the end of
 * each batch. With neither, it waits in the sockets' selector, which a producer's publish wakes ({@link EngineWakeup}).
 * <p>
 * Why: at 3,000 calls/s each hand-off between threads cost a futex wake and a sleep per batch on both sides, and the
 * engine met each input's bytes cold, parsed on another core. Here a datagram is read, parsed, handled and answered
 * on one thread. What it gives up: while the engine works, datagrams wait in the kernel's socket buffer instead of
 * the ring (admission control reads that wait as the engine's lag), and the node's UDP work is one core's.
 * <p>
 * An exception from the engine is counted and logged, and the engine goes on with the next input, as the
 * processor of the receive-thread pipeline does.
 */
final class ReceivingEngine implements Runnable
{
    /** The wait in the selector lasts until a datagram comes or a producer's publish wakes it (the ticker's too). */
    private static final long UNTIL_WOKEN = -1;

    private final RingBuffer<InboundEvent> ring;
    private final EventPoller<InboundEvent> poller;
    private final UdpTransport udp;
    private final EngineWakeup wakeup;
    private final EventPoller.Handler<InboundEvent> handler;
    private volatile boolean running = true;

    ReceivingEngine(final RingBuffer<InboundEvent> ring, final EventPoller<InboundEvent> poller,
        final EngineHandler engine, final ExceptionHandler<InboundEvent> errors, final UdpTransport udp,
        final EngineWakeup wakeup)
    {
        this.ring = ring;
        this.poller = poller;
        this.udp = udp;
        this.wakeup = wakeup;
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
        try
        {
            while (running)
            {
                final boolean handled = poller.poll(handler) == EventPoller.PollState.PROCESSING;
                if (udp.receive(0) > 0 || handled)
                {
                    continue;
                }
                wakeup.waiting(true);
                if (ring.getCursor() > poller.getSequence().get())
                {
                    wakeup.waiting(false); // published since the poll: no wait
                    continue;
                }
                udp.receive(UNTIL_WOKEN);
                wakeup.waiting(false);
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

    /** Makes {@link #run()} return after the input it is handling; any thread. */
    void halt()
    {
        running = false;
        udp.wakeup();
    }
}
