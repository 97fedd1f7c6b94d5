package dev.referee.pipeline;

import com.lmax.disruptor.EventHandler;
import dev.referee.transport.TcpTransport;
import dev.referee.transport.UdpTransport;

/**
 * Send stage of the outbound ring: writes UDP messages itself and wakes the TCP I/O thread when a batch held
 * TCP messages (that thread polls the same ring and owns every TCP connection). One wake-up per batch, not per
 * message, because a selector wake-up is a system call.
 */
final class SendHandler implements EventHandler<OutboundEvent>
{
    private final UdpTransport udp;
    private final TcpTransport tcp;
    private boolean tcpPending;

    SendHandler(final UdpTransport udp, final TcpTransport tcp)
    {
        this.udp = udp;
        this.tcp = tcp;
    }

    public void onEvent(final OutboundEvent event, final long sequence, final boolean endOfBatch)
    {
        if (event.transport == dev.referee.transport.Transport.TCP)
        {
            tcpPending = true;
        }
        else
        {
            udp.send(event.destination, event.data, 0, event.length);
            // This stage is the last to read a UDP slot (the TCP poller skips it): drop the reference here.
            event.destination = null;
        }

        if (endOfBatch && tcpPending)
        {
            tcpPending = false;
            tcp.wakeup();
        }
    }
}
