package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.OutboundEvent;
import dev.referee.ring.PipelineCounters;
import dev.referee.transport.Transport;
import dev.referee.transport.UdpTransport;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * The engine's {@link SipSender}: copies each message into a claimed outbound slot, or writes a UDP message to its
 * socket at once when the pipeline sends UDP on the engine thread ({@link #sendUdpDirectly}). Never waits for space:
 * a full ring drops the message, counts it and returns false (SIP retransmits; a blocked engine would stall every
 * call).
 * <p>
 * Engine thread only (the outbound ring is single-producer), except in a pipeline built for senders on two threads
 * (a cluster member's, {@link SipPipeline}): its ring is multi-producer, and {@link #inputTimeNs} is then the engine
 * thread's alone (its 503s; the replicated engine's messages carry a time nothing reads, as a member keeps no
 * journal of its outputs yet).
 */
final class OutboundPublisher implements SipSender
{
    private final RingBuffer<OutboundEvent> ring;
    private final PipelineCounters counters;
    /** Where UDP messages go straight from the engine thread; null: through the ring to the send stage. */
    private UdpTransport udp;
    private long inputTimeNs;

    OutboundPublisher(final RingBuffer<OutboundEvent> ring, final PipelineCounters counters)
    {
        this.ring = ring;
        this.counters = counters;
    }

    /**
     * Has UDP messages written to {@code udp}'s sockets on the calling (engine) thread instead of through the ring
     * (pipeline.udp-send: engine). Only for a single-producer pipeline: the UDP transport's send side is one
     * thread's. Before the engine starts, or on the engine thread once the send stage has written every UDP message
     * published to it (the socket's sending side is then free, and the order of the messages kept).
     */
    void sendUdpDirectly(final UdpTransport udp)
    {
        this.udp = udp;
    }

    /**
     * Has UDP messages go through the ring to the send stage again, after writing those queued on this thread.
     * Engine thread.
     */
    void sendUdpThroughRing()
    {
        flushUdp();
        udp = null;
    }

    /** Writes the UDP datagrams queued since the last call (pipeline.udp-send: engine); the engine thread. */
    void flushUdp()
    {
        if (udp != null)
        {
            udp.flush();
        }
    }

    /** The engine time of the input being handled: stamped on every message sent until the next input. */
    void inputTimeNs(final long timeNs)
    {
        inputTimeNs = timeNs;
    }

    public boolean send(
        final int transport,
        final InetSocketAddress destination,
        final long connectionId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length <= 0 || length > InboundEvent.MAX_MESSAGE_LENGTH)
        {
            counters.outboundDropped.increment();
            return false;
        }

        if (udp != null && !Transport.isStream(transport))
        {
            // Written at the end of the engine's batch (flushUdp), with the batch's other datagrams: true = taken.
            udp.queue(destination, buffer, offset, length);
            return true;
        }

        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            counters.outboundDropped.increment();
            return false;
        }

        final OutboundEvent event = ring.get(sequence);
        event.timeNs = inputTimeNs;
        event.transport = transport;
        event.destination = destination;
        event.connectionId = connectionId;
        event.ensureCapacity(length);
        event.data.putBytes(0, buffer, offset, length);
        event.length = length;
        ring.publish(sequence);
        return true;
    }
}
