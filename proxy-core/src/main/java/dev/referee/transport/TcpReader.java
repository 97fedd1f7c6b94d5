package dev.referee.transport;

import dev.referee.ring.InboundEvent;
import dev.referee.ring.PacketTap;
import dev.referee.ring.PipelineCounters;
import dev.referee.sip.StreamFramer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The receiving side of the TCP thread: reads a connection, frames its messages (RFC 3261 §18.3, by Content-Length),
 * passes each through the {@link BorderGuard} and {@link Admission} to the inbound ring, and answers what they refuse
 * (403, 503). A dialog's message, an ACK or a response that finds the ring full is never refused and a TCP peer does
 * not send it again: it waits at the start of its connection's read buffer ({@link TcpConnection#holdForRing}), the
 * connection is not read meanwhile (TCP's window holds the peer back), and {@link #retryHeld} offers it again,
 * connections in the order they began to wait. The {@link TcpTransport} owns the connections; this class only reads
 * them. TCP thread only.
 */
final class TcpReader
{
    private final InboundPublisher publisher;
    private final Admission admission;
    private final BorderGuard border;
    private final PipelineCounters counters;
    private final NanoClock clock;
    /** True while the transport still holds the connection (it may have closed it since it was held). */
    private final Predicate<TcpConnection> open;
    /** Closes a connection in the transport (its tables and counts). */
    private final Consumer<TcpConnection> close;
    /** Connections whose next message waits for an inbound ring slot, in the order they began to wait. */
    private final List<TcpConnection> heldForRing = new ArrayList<>();
    private final UnsafeBuffer answerView = new UnsafeBuffer(new byte[0]);
    private PacketTap tap = PacketTap.NONE;
    private SendGate gate = SendGate.OPEN;

    TcpReader(final InboundPublisher publisher, final Admission admission, final BorderGuard border,
        final PipelineCounters counters, final NanoClock clock, final Predicate<TcpConnection> open,
        final Consumer<TcpConnection> close)
    {
        this.publisher = publisher;
        this.admission = admission;
        this.border = border;
        this.counters = counters;
        this.clock = clock;
        this.open = open;
        this.close = close;
    }

    /** Sees a copy of each message framed and each stateless answer written. Before the thread starts. */
    void tap(final PacketTap tap)
    {
        this.tap = tap;
    }

    /** What may keep the stateless answers from being written. Before the thread starts. */
    void gate(final SendGate gate)
    {
        this.gate = gate;
    }

    /** True while some connection's message waits for a ring slot (the TCP thread then looks every millisecond). */
    boolean hasHeld()
    {
        return !heldForRing.isEmpty();
    }

    /** Reads what {@code connection} has and delivers its complete messages: the selector found it readable. */
    void onReadable(final TcpConnection connection) throws IOException
    {
        if (connection.heldForRing())
        {
            return; // selected before its interest changed: read once the held message has its slot
        }
        // TLS may hold decrypted bytes the read buffer had no room for: read again, as long as that makes progress.
        while (readAndFrame(connection) && connection.hasBufferedInput())
        {
            if (!connection.channel.isOpen())
            {
                return;
            }
        }
    }

    /** One read and the framing of what it completed; false when it read nothing or the connection closed. */
    private boolean readAndFrame(final TcpConnection connection) throws IOException
    {
        final int read = connection.read();
        if (read < 0)
        {
            close.accept(connection);
            return false;
        }
        counters.tcpBytesReceived.add(read);
        final boolean stillOpen = frame(connection, clock.nanoTime());
        if (connection.heldForRing())
        {
            heldForRing.add(connection); // once: a held connection is not read (onReadable)
            return false;
        }
        return stillOpen && read > 0;
    }

    /**
     * Frames the read buffer and delivers each complete message, first the one held for a ring slot if any; false
     * when the connection closed. A message that finds the ring full and is not to be answered 503 stays at the start
     * of the buffer, held ({@link TcpConnection#holdForRing}), and so does everything after it.
     */
    private boolean frame(final TcpConnection connection, final long nowNs) throws IOException
    {
        final UnsafeBuffer buffer = connection.readBuffer();
        final int end = connection.readLength();
        int offset = 0;
        if (connection.heldForRing())
        {
            if (!deliverHeld(connection))
            {
                return connection.channel.isOpen();
            }
            offset = connection.heldLength;
            connection.releaseFromRing();
        }
        while (offset < end)
        {
            if (!connection.scanner.started())
            {
                offset += StreamFramer.leadingLineBreaks(buffer, offset, end - offset);
                if (offset == end)
                {
                    break;
                }
            }

            final int length = connection.scanner.frame(buffer, offset, end - offset, InboundEvent.MAX_MESSAGE_LENGTH);
            if (length == StreamFramer.MALFORMED)
            {
                counters.tcpMalformedStreams.increment();
                close.accept(connection);
                return false;
            }
            if (length == StreamFramer.INCOMPLETE)
            {
                break;
            }

            connection.scanner.reset();
            final boolean delivered = deliver(connection, buffer, offset, length, nowNs);
            if (!connection.channel.isOpen())
            {
                return false;
            }
            if (!delivered)
            {
                break; // held at offset, which the buffer keeps as its start
            }
            offset += length;
        }

        if (!connection.consume(offset))
        {
            counters.tcpBufferOverflows.increment();
            close.accept(connection);
            return false;
        }
        connection.onRead(nowNs, offset > 0 && end > offset, connection.readLength());
        return true;
    }

    /** Offers the held message again; false while the ring is still full. */
    private boolean deliverHeld(final TcpConnection connection) throws IOException
    {
        final int verdict = publisher.offer(connection.transport, connection.remote, connection.local, connection.id,
            connection.heldTrunk, connection.readBuffer(), 0, connection.heldLength, connection.heldSinceNs, admission);
        if (verdict == InboundPublisher.FULL)
        {
            return false;
        }
        if (verdict == Admission.SHED)
        {
            answer(connection, admission.response());
        }
        return true;
    }

    /**
     * Offers the connections held for a ring slot their message again, in the order they were held; those served
     * read again (and frame what TLS holds decrypted already).
     */
    void retryHeld() throws IOException
    {
        final long nowNs = clock.nanoTime();
        for (int i = 0; i < heldForRing.size(); )
        {
            final TcpConnection connection = heldForRing.get(i);
            if (!open.test(connection))
            {
                heldForRing.remove(i);
                continue;
            }
            if (!frame(connection, nowNs))
            {
                heldForRing.remove(i);
                continue;
            }
            if (connection.heldForRing())
            {
                return; // the ring is full again: this one and the later ones keep their turn
            }
            heldForRing.remove(i);
            if (connection.hasBufferedInput())
            {
                onReadable(connection);
            }
        }
    }

    /** Offers one message to the engine; false when it is held for a ring slot (and must stay in the buffer). */
    private boolean deliver(
        final TcpConnection connection, final UnsafeBuffer buffer, final int offset, final int length, final long nowNs)
        throws IOException
    {
        counters.tcpReceived.increment();
        tap.copy(PacketTap.TCP, connection.remote, connection.local, buffer, offset, length, nowNs);
        final int trunk = border.check(buffer, offset, length, connection.remote, border.trunkOf(connection), nowNs);
        if (trunk == BorderGuard.DROP)
        {
            return true;
        }
        if (trunk == BorderGuard.REJECT)
        {
            if (!answer(connection, border.response()))
            {
                close.accept(connection);
            }
            return true;
        }
        final int verdict = publisher.offer(connection.transport, connection.remote, connection.local, connection.id, trunk,
            buffer, offset, length, nowNs, admission);
        if (verdict == Admission.SHED)
        {
            answer(connection, admission.response());
            return true;
        }
        if (verdict != InboundPublisher.FULL)
        {
            return true;
        }

        final ByteBuffer response = admission.responder().respond(buffer, offset, length);
        if (response == null)
        {
            // A dialog's request, an ACK, a response: never refused, and a TCP peer does not send it again. It waits
            // for a slot, and the connection is not read meanwhile (backpressure through TCP's window).
            counters.tcpHeldForRing.increment();
            connection.holdForRing(length, trunk, nowNs);
            return false;
        }
        if (answer(connection, response))
        {
            counters.tcpOverloadResponses.increment();
        }
        else
        {
            counters.tcpInboundDropped.increment();
        }
        return true;
    }

    /** Writes a stateless answer (403, 503) and captures it when the connection took it. */
    private boolean answer(final TcpConnection connection, final ByteBuffer response) throws IOException
    {
        if (!gate.isOpen())
        {
            counters.tcpSendFenced.increment();
            return false;
        }
        final int start = response.position();
        final int end = response.limit();
        final boolean written = connection.write(response);
        if (written)
        {
            answerView.wrap(response);
            tap.copy(PacketTap.TCP, connection.local, connection.remote, answerView, start, end - start,
                clock.nanoTime());
        }
        return written;
    }
}
