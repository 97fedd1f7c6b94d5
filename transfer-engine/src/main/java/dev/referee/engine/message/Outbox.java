package dev.referee.engine.message;

import dev.referee.engine.counters.EngineCounters;

import dev.referee.pipeline.SipSender;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;

/**
 * Where the engine encodes outgoing messages (one scratch buffer, written in place) and hands them to the
 * {@link SipSender}. Engine thread only.
 */
public final class Outbox
{
    private static final int SCRATCH_LENGTH = 65_535;

    private final SipSender sender;
    private final EngineCounters counters;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[SCRATCH_LENGTH]);
    private final SipMessageWriter writer = new SipMessageWriter();
    private final MessageCopies copies = new MessageCopies();

    public Outbox(final SipSender sender, final EngineCounters counters)
    {
        this.sender = sender;
        this.counters = counters;
    }

    /** Starts a new message in the scratch buffer. */
    public SipMessageWriter begin()
    {
        return writer.wrap(scratch, 0);
    }

    /** A copy of the message just written, kept for retransmission; {@link #release} it when no longer needed. */
    public StoredMessage copyOfMessage()
    {
        return copies.copy(scratch, 0, writer.length());
    }

    /** The buffers copies are kept in; other state kept as bytes for a while can use them too. */
    public MessageCopies copies()
    {
        return copies;
    }

    /** Gives back a copy {@link #copyOfMessage} made (or one restored from a snapshot); null is ignored. */
    public void release(final StoredMessage copy)
    {
        copies.release(copy);
    }

    /** Sends the message just written. {@code method} is its method for requests, 0 for responses. */
    public void send(final int transport, final InetSocketAddress destination, final long connectionId,
        final int method, final int status)
    {
        count(method, status);
        transmit(transport, destination, connectionId, scratch, writer.length());
    }

    /**
     * Sends a stored copy for the first time (a response written earlier and held back: a reliable provisional that
     * waited for the PRACK of the one before it); counted as a response of {@code status}.
     */
    public void sendStored(final int transport, final InetSocketAddress destination, final long connectionId,
        final StoredMessage message, final int status)
    {
        count(0, status);
        transmit(transport, destination, connectionId, message.buffer, message.length);
    }

    /** Sends a stored copy again (a retransmission). */
    public void resend(final int transport, final InetSocketAddress destination, final long connectionId,
        final StoredMessage message)
    {
        counters.increment(EngineCounters.RETRANSMISSIONS_SENT);
        transmit(transport, destination, connectionId, message.buffer, message.length);
    }

    /** Sends again {@code length} bytes of {@code buffer} at {@code offset} (a retransmission kept elsewhere). */
    public void resend(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        counters.increment(EngineCounters.RETRANSMISSIONS_SENT);
        if (!sender.send(transport, destination, connectionId, buffer, offset, length))
        {
            counters.increment(EngineCounters.OUTBOUND_FULL);
        }
    }

    private void transmit(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int length)
    {
        if (!sender.send(transport, destination, connectionId, buffer, 0, length))
        {
            counters.increment(EngineCounters.OUTBOUND_FULL);
        }
    }

    private void count(final int method, final int status)
    {
        if (status > 0)
        {
            counters.responseOut(status);
        }
        else
        {
            counters.requestOut(method == 0 ? SipMethod.UNKNOWN : method);
        }
    }
}
