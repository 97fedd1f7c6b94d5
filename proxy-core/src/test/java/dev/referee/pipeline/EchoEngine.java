package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An engine stage for tests: sends every received SIP message back to where it came from, on the same
 * transport and connection, as raw bytes (no parse needed), and records what it saw.
 */
public final class EchoEngine implements InboundHandler
{
    public final Queue<String> received = new ConcurrentLinkedQueue<>();
    public final Queue<Long> connectionIds = new ConcurrentLinkedQueue<>();
    public final Queue<Integer> transports = new ConcurrentLinkedQueue<>();
    /** Destinations of the transport failures published (InboundEvent.TRANSPORT_FAILURE): not echoed. */
    public final Queue<java.net.InetSocketAddress> transportFailures = new ConcurrentLinkedQueue<>();
    public final AtomicLong ticks = new AtomicLong();
    public final AtomicLong sendFailures = new AtomicLong();
    public volatile SipSender sender;

    public void onInbound(final InboundEvent event, final boolean endOfBatch)
    {
        if (event.type == InboundEvent.TICK)
        {
            ticks.incrementAndGet();
            return;
        }
        if (event.type == InboundEvent.TRANSPORT_FAILURE)
        {
            transportFailures.add(event.source);
            return;
        }

        received.add(event.data.getStringWithoutLengthAscii(0, event.length));
        connectionIds.add(event.connectionId);
        transports.add(event.transport);
        if (!sender.send(event.transport, event.source, event.connectionId, event.data, 0, event.length))
        {
            sendFailures.incrementAndGet();
        }
    }
}
