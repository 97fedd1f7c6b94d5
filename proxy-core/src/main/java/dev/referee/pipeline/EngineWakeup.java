package dev.referee.pipeline;

import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The inbound ring's wait strategy where the engine thread may read the UDP sockets itself
 * (pipeline.udp-receive: engine). Such an engine does not wait on the ring's barrier ({@link ReceivingEngine}): it
 * waits in the sockets' selector while it reads them, parked while the receive thread does; a producer that
 * publishes meanwhile (the receive or TCP thread, the ticker, a webhook answer) wakes it there. Until
 * {@link #engineThread} is called (and in a pipeline that falls back to its receive thread) it is the configured
 * strategy, unchanged.
 */
final class EngineWakeup implements WaitStrategy
{
    /** Where the engine thread waits: nowhere (busy), in the sockets' selector, or parked. */
    static final int BUSY = 0;
    static final int IN_SELECTOR = 1;
    static final int PARKED = 2;

    private final WaitStrategy ringWait;
    private volatile UdpTransport selector;
    private volatile Thread engine;
    private volatile int waiting = BUSY;

    EngineWakeup(final WaitStrategy ringWait)
    {
        this.ringWait = ringWait;
    }

    /** From now on the engine thread waits where {@link #waiting} says, woken here. Before it starts. */
    void engineThread(final Thread engine, final UdpTransport udp)
    {
        this.engine = engine;
        this.selector = udp;
    }

    /**
     * The engine thread is about to wait ({@link #IN_SELECTOR}, {@link #PARKED}) or is done waiting ({@link #BUSY}).
     * Between the first and its wait it reads the ring's cursor once more: a producer publishing meanwhile sees it
     * waiting and wakes it.
     */
    void waiting(final int where)
    {
        waiting = where;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException, InterruptedException, TimeoutException
    {
        return ringWait.waitFor(sequence, cursor, dependentSequence, barrier);
    }

    @Override
    public void signalAllWhenBlocking()
    {
        final UdpTransport udp = selector;
        if (udp == null)
        {
            ringWait.signalAllWhenBlocking();
            return;
        }
        // The publish before this is a release store, and a load may pass a store: without the fence this could
        // read "busy" while the engine, having said where it waits, reads the cursor before the publish (both miss).
        VarHandle.fullFence();
        final int where = waiting;
        if (where == IN_SELECTOR)
        {
            udp.wakeup();
        }
        else if (where == PARKED)
        {
            LockSupport.unpark(engine);
        }
    }
}
