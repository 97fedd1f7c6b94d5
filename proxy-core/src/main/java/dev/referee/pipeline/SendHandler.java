package dev.referee.pipeline;

import dev.referee.ring.OutboundEvent;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import dev.referee.transport.TcpTransport;
import dev.referee.transport.UdpTransport;

/**
 * Send stage of the outbound ring: writes UDP messages itself, a batch's together at its end (one sendmmsg per
 * socket, UdpTransport#queue and #flush, or one call each with pipeline.udp-syscalls: per-datagram), then lets the
 * observer see the batch's slots; and wakes the TCP I/O thread when a batch held
 * TCP messages (that thread polls the same ring and owns every TCP connection). One wake-up per batch, not per
 * message, because a selector wake-up is a system call.
 * <p>
 * The TCP poller is a gating sequence of the ring: if it only moved when TCP messages came, UDP-only traffic would
 * leave it behind until the ring filled and every send was dropped. So the TCP thread is also woken, to skip over
 * UDP slots, whenever it lags by more than a quarter of the ring.
 */
final class SendHandler implements EventHandler<OutboundEvent>
{
    private final UdpTransport udp;
    private final TcpTransport tcp;
    private final Sequence tcpPollerSequence;
    private final long tcpLagLimit;
    private final OutboundObserver observer;
    private boolean tcpPending;
    /** The slots of this batch not yet observed: their datagrams are sent together (UdpTransport#queue). */
    private final OutboundEvent[] held = new OutboundEvent[UdpTransport.SEND_BATCH];
    private int heldCount;
    private boolean udpQueued;

    SendHandler(final UdpTransport udp, final TcpTransport tcp, final Sequence tcpPollerSequence, final int ringSize,
        final OutboundObserver observer)
    {
        this.observer = observer;
        this.udp = udp;
        this.tcp = tcp;
        this.tcpPollerSequence = tcpPollerSequence;
        this.tcpLagLimit = Math.max(1, ringSize / 4);
    }

    public void onEvent(final OutboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (dev.referee.transport.Transport.isStream(event.transport))
        {
            tcpPending = true;
        }
        else
        {
            udp.queue(event.destination, event.data, 0, event.length);
            udpQueued = true;
        }
        held[heldCount++] = event;

        if (endOfBatch || heldCount == held.length)
        {
            // The batch's datagrams leave first (one sendmmsg per socket), then the observer sees every slot in
            // ring order, so that observing never delays a send. A slot stays valid until the batch ends: the
            // ring's producer waits on this stage's sequence, which moves only then.
            if (udpQueued)
            {
                // Only when this thread queued: with pipeline.udp-send: engine the engine thread owns the queue.
                udpQueued = false;
                udp.flush();
            }
            for (int i = 0; i < heldCount; i++)
            {
                final OutboundEvent held = this.held[i];
                observer.onOutbound(held, endOfBatch && i == heldCount - 1);
                if (!dev.referee.transport.Transport.isStream(held.transport))
                {
                    // This stage is the last to read a UDP slot (the TCP poller skips it): drop the reference here.
                    held.destination = null;
                }
                this.held[i] = null;
            }
            heldCount = 0;
        }

        if (endOfBatch && (tcpPending || sequence - tcpPollerSequence.get() > tcpLagLimit))
        {
            tcpPending = false;
            tcp.wakeup();
        }
    }
}
