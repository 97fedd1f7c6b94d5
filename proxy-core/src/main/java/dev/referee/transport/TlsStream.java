package dev.referee.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * The TLS layer of one {@link TcpConnection}: the JDK's {@link SSLEngine} between the socket and the connection's
 * plaintext read buffer, and between the messages sent and the socket. Confined to the TCP I/O thread, like the
 * connection; nothing here blocks (the engine's delegated tasks, the handshake's signatures and certificate checks,
 * run on this thread: they take a millisecond or so, once per connection).
 * <p>
 * Bounded: ciphertext not yet decrypted is at most one TLS record ({@link javax.net.ssl.SSLSession#getPacketBufferSize()}),
 * plaintext decrypted but not yet taken is at most one record's worth, and messages sent before the handshake ends
 * wait up to {@link TcpConnection#MAX_PENDING_WRITE_BYTES}.
 */
final class TlsStream
{
    /** Where ciphertext goes: the connection's socket write, which queues what the socket does not take. */
    interface Sink
    {
        /** @return false when the bytes were not accepted (too much queued). */
        boolean writeRaw(ByteBuffer ciphertext) throws IOException;
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final Sink sink;
    /** Ciphertext read and not yet decrypted; write mode (data from 0 to position). */
    private ByteBuffer netIn;
    /** One wrap's output. */
    private ByteBuffer netOut;
    /** Plaintext decrypted and not yet taken by the connection; read mode (position to limit). */
    private ByteBuffer appIn;
    private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
    private int waitingBytes;
    private boolean established;
    private boolean closed;

    TlsStream(final SSLEngine engine, final Sink sink)
    {
        this.engine = engine;
        this.sink = sink;
        final int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
    }

    /** Starts the handshake: a client's ClientHello goes to the sink at once (queued until the socket connects). */
    void start() throws IOException
    {
        engine.beginHandshake();
        handshake(engine.getHandshakeStatus());
    }

    /** The handshake has completed: application data flows. */
    boolean established()
    {
        return established;
    }

    /**
     * Reads what the socket has and decrypts into {@code plain} (write mode) as far as it has room.
     *
     * @return plaintext bytes added, or -1 at the end of the stream (or the peer's close_notify) with none added.
     * @throws SSLException when the peer is not speaking TLS, fails the handshake or sends a corrupt record.
     */
    int read(final SocketChannel channel, final ByteBuffer plain) throws IOException
    {
        int added = drain(plain);
        if (!plain.hasRemaining() || closed)
        {
            return added == 0 && closed ? -1 : added;
        }
        final int read = channel.read(netIn);
        added += unwrap(plain);
        if (read < 0 || closed)
        {
            return added == 0 ? -1 : added;
        }
        return added;
    }

    /** Decrypted plaintext or ciphertext still waits here: the connection should read again before the next select. */
    boolean hasBufferedInput()
    {
        return appIn.hasRemaining() || netIn.position() > 0;
    }

    /**
     * Encrypts {@code plain} (position to limit) to the sink; before the handshake ends, a copy waits for it.
     *
     * @return false when it could not be accepted (too much waiting, or the connection closed).
     */
    boolean write(final ByteBuffer plain) throws IOException
    {
        if (closed)
        {
            return false;
        }
        if (!established)
        {
            final int length = plain.remaining();
            if (waitingBytes + length > TcpConnection.MAX_PENDING_WRITE_BYTES)
            {
                return false;
            }
            final ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(plain).flip();
            waiting.addLast(copy);
            waitingBytes += length;
            return true;
        }
        return wrap(plain);
    }

    /** Says close_notify when the socket takes it now; the connection closes either way. */
    void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        engine.closeOutbound();
        try
        {
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            netOut.flip();
            if (netOut.hasRemaining())
            {
                sink.writeRaw(netOut);
            }
        }
        catch (final IOException ex)
        {
            // closing anyway
        }
        waiting.clear();
        waitingBytes = 0;
    }

    private int unwrap(final ByteBuffer plain) throws IOException
    {
        int added = 0;
        while (!closed && plain.hasRemaining() && !appIn.hasRemaining())
        {
            netIn.flip();
            appIn.clear();
            final SSLEngineResult result;
            try
            {
                result = engine.unwrap(netIn, appIn);
            }
            finally
            {
                netIn.compact();
                appIn.flip();
            }
            added += drain(plain);

            switch (result.getStatus())
            {
                case BUFFER_UNDERFLOW:
                    // A record is incomplete: read more, in a buffer large enough for the largest record.
                    final int packet = engine.getSession().getPacketBufferSize();
                    if (netIn.capacity() < packet)
                    {
                        netIn = grow(netIn, packet);
                    }
                    handshake(result.getHandshakeStatus());
                    return added;
                case BUFFER_OVERFLOW:
                    appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
                    continue;
                case CLOSED:
                    closed = true;
                    return added;
                default:
                    break;
            }
            handshake(result.getHandshakeStatus());
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 &&
                engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP)
            {
                return added;
            }
            if (netIn.position() == 0)
            {
                return added;
            }
        }
        return added;
    }

    /** Carries the handshake forward as far as it goes without more bytes from the peer. */
    private void handshake(final SSLEngineResult.HandshakeStatus initial) throws IOException
    {
        SSLEngineResult.HandshakeStatus status = initial;
        while (true)
        {
            switch (status)
            {
                case NEED_TASK:
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null)
                    {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                    break;
                case NEED_WRAP:
                    netOut.clear();
                    final SSLEngineResult result = engine.wrap(EMPTY, netOut);
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW)
                    {
                        netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                        break;
                    }
                    netOut.flip();
                    if (netOut.hasRemaining() && !sink.writeRaw(netOut))
                    {
                        throw new SSLException("handshake bytes not accepted by the connection");
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED)
                    {
                        closed = true;
                        return;
                    }
                    status = result.getHandshakeStatus();
                    break;
                case FINISHED:
                    onEstablished();
                    status = engine.getHandshakeStatus();
                    break;
                case NOT_HANDSHAKING:
                    if (!established && engine.getSession().isValid() && engine.getSession().getCipherSuite() != null &&
                        !"SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite()))
                    {
                        onEstablished();
                    }
                    return;
                default: // NEED_UNWRAP, NEED_UNWRAP_AGAIN: the peer's turn
                    return;
            }
        }
    }

    private void onEstablished() throws IOException
    {
        if (established)
        {
            return;
        }
        established = true;
        while (!waiting.isEmpty())
        {
            final ByteBuffer message = waiting.pollFirst();
            waitingBytes -= message.remaining();
            if (!wrap(message))
            {
                throw new SSLException("messages sent before the handshake ended were not accepted");
            }
        }
    }

    private boolean wrap(final ByteBuffer plain) throws IOException
    {
        while (plain.hasRemaining())
        {
            netOut.clear();
            final SSLEngineResult result = engine.wrap(plain, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW)
            {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                continue;
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED)
            {
                return false;
            }
            netOut.flip();
            if (!sink.writeRaw(netOut))
            {
                return false;
            }
            if (result.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING)
            {
                handshake(result.getHandshakeStatus()); // a TLS 1.3 key update
            }
        }
        return true;
    }

    private int drain(final ByteBuffer plain)
    {
        final int length = Math.min(appIn.remaining(), plain.remaining());
        if (length > 0)
        {
            final int limit = appIn.limit();
            appIn.limit(appIn.position() + length);
            plain.put(appIn);
            appIn.limit(limit);
        }
        return length;
    }

    private static ByteBuffer grow(final ByteBuffer buffer, final int capacity)
    {
        final ByteBuffer larger = ByteBuffer.allocate(capacity);
        buffer.flip();
        larger.put(buffer);
        return larger;
    }
}
