package dev.referee.transport;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.referee.ring.InboundEvent;
import dev.referee.ring.MediaFigures;
import dev.referee.ring.PipelineCounters;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;

/**
 * Copies a received message into a claimed inbound slot and publishes it. Shared by the receive threads (the
 * inbound ring is multi-producer); holds no state of its own.
 * <p>
 * Receive threads read into their own buffer first and claim a slot only once a message is there. Reading
 * straight into a claimed slot would save nothing: slots are heap arrays, so NIO would copy through its own
 * temporary direct buffer anyway. And a slot claimed before the data is known to exist would have to be
 * published even when nothing arrived, or it would hold up every other producer's events behind it.
 */
public final class InboundPublisher
{
    private final RingBuffer<InboundEvent> ring;
    private final PipelineCounters counters;

    public InboundPublisher(final RingBuffer<InboundEvent> ring)
    {
        this(ring, new PipelineCounters());
    }

    public InboundPublisher(final RingBuffer<InboundEvent> ring, final PipelineCounters counters)
    {
        this.ring = ring;
        this.counters = counters;
    }

    /** {@link #offer} could not claim a slot: the ring is full and nothing was published. */
    public static final int FULL = -1;

    /**
     * Publishes a received message subject to {@code admission}. While the engine is overloaded the message is
     * judged first and a shed or absorbed one takes no slot; otherwise it is copied into a claimed slot and parsed
     * there (no second parse), then judged, and a shed or absorbed one is published as {@link InboundEvent#SKIP},
     * which the engine passes over without journaling it (a claimed slot must always be published).
     *
     * @param timeNs receive time, {@link System#nanoTime()} read by the receive thread.
     * @return {@link Admission#ADMIT}, {@link Admission#SHED} (the 503 is in {@link Admission#response()}),
     * {@link Admission#ABSORB} or {@link #FULL}.
     */
    public int offer(
        final int transport,
        final InetSocketAddress source,
        final InetSocketAddress local,
        final long connectionId,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timeNs,
        final Admission admission)
    {
        return offer(transport, source, local, connectionId, InboundEvent.NO_TRUNK, buffer, offset, length, timeNs,
            admission);
    }

    /** {@link #offer} of a message whose source selected {@code trunk} ({@link BorderGuard#check}). */
    public int offer(
        final int transport,
        final InetSocketAddress source,
        final InetSocketAddress local,
        final long connectionId,
        final int trunk,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timeNs,
        final Admission admission)
    {
        int early;
        try
        {
            early = admission.verdictBeforeClaim(buffer, offset, length, source, ring.getCursor() + 1, timeNs);
        }
        catch (final RuntimeException ex)
        {
            counters.parseHandlerErrors.increment(); // the receive thread survives anything: the engine decides
            early = Admission.ADMIT;
        }
        if (early != Admission.ADMIT)
        {
            return early;
        }
        final long sequence = claim();
        if (sequence < 0)
        {
            return FULL;
        }
        final InboundEvent event = ring.get(sequence);
        event.timeNs = timeNs;
        event.transport = transport;
        event.source = source;
        event.local = local;
        event.connectionId = connectionId;
        event.trunk = trunk;
        event.ensureCapacity(length);
        event.data.putBytes(0, buffer, offset, length);
        event.length = length;
        event.parsed = parse(event);
        int verdict;
        try
        {
            verdict = admission.verdict(event.message, event.parsed, source, sequence, timeNs);
        }
        catch (final RuntimeException ex)
        {
            // A receive thread must survive anything a peer sends: when in doubt, the engine decides.
            counters.parseHandlerErrors.increment();
            verdict = Admission.ADMIT;
        }
        event.type = verdict == Admission.ADMIT ? InboundEvent.SIP : InboundEvent.SKIP;
        ring.publish(sequence);
        return verdict;
    }

    /** Claims a slot; -1 when the ring is full (never waits: a receive thread must keep draining its socket). */
    /**
     * Claims a slot for an input that is not a message (a transport failure, a media report, a reload), cleared and
     * stamped with {@code type} and {@code timeNs}: its sequence, or -1 when the ring is full. The caller fills the
     * input's own fields and publishes the sequence.
     */
    private long claimCleared(final int type, final long timeNs)
    {
        final long sequence = claim();
        if (sequence >= 0)
        {
            final InboundEvent event = ring.get(sequence);
            event.clear();
            event.type = type;
            event.timeNs = timeNs;
        }
        return sequence;
    }

    private long claim()
    {
        try
        {
            return ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return -1;
        }
    }

    /**
     * Parses in place, on the receive thread. Measured: a separate parse stage made the engine thread spin (Disruptor
     * waits on a dependent stage's sequence by spinning, even with the blocking strategy), 74% of its samples, on a
     * machine with 2 cores; parsing here spreads the work over the receive and engine threads instead.
     */
    private boolean parse(final InboundEvent event)
    {
        try
        {
            if (event.message.parse(event.data, 0, event.length))
            {
                return true;
            }
        }
        catch (final RuntimeException ex)
        {
            // A parser bug must not stop the pipeline: the engine sees an unparsed message and drops it.
            counters.parseHandlerErrors.increment();
        }
        counters.parseFailures.increment();
        return false;
    }

    /**
     * Publishes a transfer webhook's answer (from the webhook client's thread).
     *
     * @param target the new target URI, or empty.
     * @return false when the ring is full (the engine's webhook timeout then decides).
     */
    public boolean publishWebhookAnswer(final long requestId, final boolean accept, final byte[] target,
        final long timeNs)
    {
        final long sequence = claim();
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.type = InboundEvent.WEBHOOK;
        event.timeNs = timeNs;
        event.transport = 0;
        event.source = null;
        event.local = null;
        event.connectionId = 0;
        event.trunk = InboundEvent.NO_TRUNK;
        event.webhookRequestId = requestId;
        event.webhookAccept = accept;
        event.ensureCapacity(target.length);
        event.data.putBytes(0, target);
        event.length = target.length;
        event.parsed = false;
        ring.publish(sequence);
        return true;
    }

    /**
     * Publishes that the connection {@code connectionId} Referee opened to {@code destination} failed (the TCP thread,
     * {@link InboundEvent#TRANSPORT_FAILURE}).
     *
     * @return false when the ring is full (the requests then end by their timers, as before).
     */
    public boolean publishTransportFailure(final int transport, final InetSocketAddress destination,
        final long connectionId, final long timeNs)
    {
        final long sequence = claimCleared(InboundEvent.TRANSPORT_FAILURE, timeNs);
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.transport = transport;
        event.source = destination;
        event.connectionId = connectionId;
        ring.publish(sequence);
        return true;
    }

    /**
     * Publishes that the media relay found endpoint {@code endpointId}'s pair silent for its timeout
     * ({@link InboundEvent#MEDIA_IDLE}). Any thread (the node's media report reader).
     *
     * @return false when the ring is full (the relay reports the silence again at its next tick).
     */
    public boolean publishMediaIdle(final long endpointId, final long timeNs)
    {
        final long sequence = claimCleared(InboundEvent.MEDIA_IDLE, timeNs);
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.mediaEndpoint = endpointId;
        ring.publish(sequence);
        return true;
    }

    /**
     * Publishes that the media relay could not open endpoint {@code endpointId} on {@code rtpPort} ({@link
     * InboundEvent#MEDIA_OPEN_FAILED}; {@code failure}: the relay's reason). Any thread (the node's media report reader).
     *
     * @return false when the ring is full (the caller keeps the report and tries again).
     */
    public boolean publishMediaOpenFailed(final long endpointId, final int rtpPort, final int failure,
        final long timeNs)
    {
        final long sequence = claimCleared(InboundEvent.MEDIA_OPEN_FAILED, timeNs);
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.mediaEndpoint = endpointId;
        event.mediaPort = rtpPort;
        event.mediaFailure = failure;
        ring.publish(sequence);
        return true;
    }

    /**
     * Publishes the figures of endpoint {@code endpointId}, which the media relay closed ({@link
     * InboundEvent#MEDIA_STATS}). Any thread (the node's media report reader).
     *
     * @return false when the ring is full (the caller keeps them and tries again).
     */
    public boolean publishMediaStats(final long endpointId, final MediaFigures figures, final long timeNs)
    {
        final long sequence = claimCleared(InboundEvent.MEDIA_STATS, timeNs);
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.mediaEndpoint = endpointId;
        event.mediaFigures.set(figures);
        ring.publish(sequence);
        return true;
    }

    /**
     * Publishes a reload: the engine takes {@code settings} (its configuration type) at {@code timeNs}, after every
     * input published before. Any thread (the admin server's).
     *
     * @return false when the ring is full (the reload is refused; the caller says so and may try again).
     */
    public boolean publishConfig(final Object settings, final long timeNs)
    {
        final long sequence = claimCleared(InboundEvent.CONFIG, timeNs);
        if (sequence < 0)
        {
            return false;
        }
        final InboundEvent event = ring.get(sequence);
        event.settings = settings;
        ring.publish(sequence);
        return true;
    }
}
