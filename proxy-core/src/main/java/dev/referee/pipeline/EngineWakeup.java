package dev.referee.pipeline;

import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;

/**
 * The inbound ring's wait strategy where the engine thread may read the UDP sockets itself
 * (pipeline.udp-receive: engine). Such an engine does not wait on the ring but in the sockets' selector
 * ({@link ReceivingEngine}); a producer that publishes while it waits there (the TCP thread, the ticker, a webhook
 * answer) wakes the selector. Until {@link #engineWaitsInSelector} is called (and in a pipeline that falls back to
 * its receive thread) it is the configured blocking strategy, unchanged.
 */
final class EngineWakeup implements WaitStrategy
{
    private final WaitStrategy ringWait;
    private volatile UdpTransport selector;
    private volatile boolean waiting;

    EngineWakeup(final WaitStrategy ringWait)
    {
        this.ringWait = ringWait;
    }

    /** From now on the engine waits in {@code udp}'s selector, not on the ring. Before the engine thread starts. */
    void engineWaitsInSelector(final UdpTransport udp)
    {
        selector = udp;
    }

    /**
     * The engine thread is about to wait in the selector (true) or is done waiting (false). Between true and its
     * wait it reads the ring's cursor once more: a producer publishing meanwhile sees true and wakes it.
     */
    void waiting(final boolean waiting)
    {
        this.waiting = waiting;
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
        // read "not waiting" while the engine, having set it, reads the cursor before the publish (both miss).
        VarHandle.fullFence();
        if (waiting)
        {
            udp.wakeup();
        }
    }
}
