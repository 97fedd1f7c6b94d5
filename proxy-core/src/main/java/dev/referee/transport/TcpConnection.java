package dev.referee.transport;

import dev.referee.ring.InboundEvent;
import dev.referee.sip.StreamScanner;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One TCP or TLS connection, accepted or opened by us: its read buffer (framed by {@link TcpTransport}; plaintext, for
 * TLS, once {@link TlsStream} has decrypted it), the bytes still waiting to be written, and the times
 * {@code tcp.idle-timeout} and {@code tcp.read-timeout} are judged by. Confined to the TCP I/O thread.
 */
final class TcpConnection
{
    /** Read buffers start small and grow to the largest message, so idle connections stay cheap. */
    static final int INITIAL_READ_CAPACITY = 8 * 1024;
    /** A peer that does not read what we send is cut off rather than allowed to grow our heap without bound. */
    static final int MAX_PENDING_WRITE_BYTES = 4 * 1024 * 1024;

    final long id;
    /** {@link Transport#TCP} or {@link Transport#TLS}. */
    final int transport;
    final SocketChannel channel;
    final InetSocketAddress remote;
    final boolean accepted;
    /**
     * The trunk of the peer's address ({@link SourceTrunks}), judged when the connection opens and again after a
     * reload (by {@link BorderGuard#trunkOf(TcpConnection)}, which alone uses these two).
     */
    int trunk;
    Object judgedBy;
    /** Frames the read buffer without going over bytes already looked at. */
    final StreamScanner scanner = new StreamScanner();
    InetSocketAddress local;
    SelectionKey key;
    /** Last byte read or written (or the open): {@code tcp.idle-timeout} counts from it. */
    long lastActivityNs;
    /** When the first byte of the incomplete message in the read buffer arrived; {@link #NO_PARTIAL} when none. */
    long partialSinceNs = NO_PARTIAL;

    static final long NO_PARTIAL = Long.MIN_VALUE;

    /**
     * The length of the message at the start of the read buffer that found the inbound ring full and is not one to
     * answer 503 (a dialog's request, an ACK, a response): 0 when none. While one waits the connection is not read
     * (TCP's window then holds the peer back: it does not retransmit what a full ring would drop).
     */
    int heldLength;
    /** The held message's trunk ({@link BorderGuard#check}) and receive time, for when a slot is free. */
    int heldTrunk;
    long heldSinceNs;

    private ByteBuffer readByteBuffer = ByteBuffer.allocate(INITIAL_READ_CAPACITY);
    private final UnsafeBuffer readBuffer = new UnsafeBuffer(readByteBuffer);
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>();
    private int pendingWriteBytes;
    private boolean connected;
    /** The TLS layer; null for plain TCP. */
    private final TlsStream tls;
    private final long openedNs;

    /** A plain TCP connection. */
    TcpConnection(
        final long id,
        final SocketChannel channel,
        final InetSocketAddress remote,
        final InetSocketAddress local,
        final boolean accepted,
        final boolean connected,
        final int trunk,
        final long nowNs)
    {
        this(id, channel, remote, local, accepted, connected, trunk, nowNs, null);
    }

    /**
     * A TLS connection when {@code engine} is given (server mode for an accepted one, client mode for one we open),
     * plain TCP when it is null.
     */
    TcpConnection(
        final long id,
        final SocketChannel channel,
        final InetSocketAddress remote,
        final InetSocketAddress local,
        final boolean accepted,
        final boolean connected,
        final int trunk,
        final long nowNs,
        final javax.net.ssl.SSLEngine engine)
    {
        this.id = id;
        this.trunk = trunk;
        this.lastActivityNs = nowNs;
        this.channel = channel;
        this.remote = remote;
        this.local = local;
        this.accepted = accepted;
        this.connected = connected;
        this.openedNs = nowNs;
        this.transport = engine == null ? Transport.TCP : Transport.TLS;
        this.tls = engine == null ? null : new TlsStream(engine, this::writeRaw);
    }

    /** Starts the TLS handshake (nothing for TCP); a client's first bytes wait until the socket connects. */
    void startTls() throws IOException
    {
        if (tls != null)
        {
            tls.start();
        }
    }

    /** Plaintext or ciphertext is held past the read buffer: read again without waiting for the socket. */
    boolean hasBufferedInput()
    {
        return tls != null && tls.hasBufferedInput();
    }

    boolean isConnected()
    {
        return connected;
    }

    /** After OP_CONNECT: completes the connect; throws when it failed. */
    void finishConnect() throws IOException
    {
        if (channel.finishConnect())
        {
            connected = true;
            local = (InetSocketAddress)channel.getLocalAddress();
            updateInterest();
        }
    }

    /**
     * Reads what the socket has after the bytes not framed yet.
     *
     * @return bytes read, or -1 at end of stream.
     */
    int read() throws IOException
    {
        return tls == null ? channel.read(readByteBuffer) : tls.read(channel, readByteBuffer);
    }

    /** The read bytes: from index 0 to {@link #readLength()}. */
    UnsafeBuffer readBuffer()
    {
        return readBuffer;
    }

    int readLength()
    {
        return readByteBuffer.position();
    }

    /**
     * Drops the first {@code bytes} (delivered messages and keep-alives), keeping the start of an incomplete
     * message at index 0, and grows the buffer when a message does not fit yet.
     *
     * @return false when the buffer is full at its largest size with no complete message: the peer is broken.
     */
    boolean consume(final int bytes)
    {
        if (bytes > 0)
        {
            readByteBuffer.flip().position(bytes);
            readByteBuffer.compact();
        }

        if (readByteBuffer.hasRemaining())
        {
            return true;
        }

        final int capacity = readByteBuffer.capacity();
        if (capacity >= InboundEvent.MAX_MESSAGE_LENGTH)
        {
            return false;
        }

        final ByteBuffer larger = ByteBuffer.allocate(Math.min(capacity * 2, InboundEvent.MAX_MESSAGE_LENGTH));
        readByteBuffer.flip();
        larger.put(readByteBuffer);
        readByteBuffer = larger;
        readBuffer.wrap(larger);
        return true;
    }

    /**
     * Sends the message in {@code source} (position to limit): as it is on TCP, encrypted on TLS (waiting for the
     * handshake to end first).
     *
     * @return false when the bytes were not accepted because too much is queued already.
     */
    boolean write(final ByteBuffer source) throws IOException
    {
        return tls == null ? writeRaw(source) : tls.write(source);
    }

    /**
     * Writes {@code source} (position to limit) to the socket now if possible; what the socket does not take, or
     * everything while connecting or while earlier bytes wait, is copied and queued for {@link #onWritable()}.
     *
     * @return false when the bytes were not accepted because too much is queued already.
     */
    private boolean writeRaw(final ByteBuffer source) throws IOException
    {
        if (connected && pendingWrites.isEmpty())
        {
            channel.write(source);
            if (!source.hasRemaining())
            {
                return true;
            }
        }

        final int length = source.remaining();
        if (pendingWriteBytes + length > MAX_PENDING_WRITE_BYTES)
        {
            return false;
        }

        final ByteBuffer copy = ByteBuffer.allocate(length);
        copy.put(source).flip();
        pendingWrites.addLast(copy);
        pendingWriteBytes += length;
        updateInterest();
        return true;
    }

    /** Writes queued bytes; stops asking for OP_WRITE once the queue is empty. */
    void onWritable() throws IOException
    {
        while (!pendingWrites.isEmpty())
        {
            final ByteBuffer head = pendingWrites.peekFirst();
            final int before = head.remaining();
            channel.write(head);
            pendingWriteBytes -= before - head.remaining();
            if (head.hasRemaining())
            {
                return;
            }
            pendingWrites.removeFirst();
        }
        updateInterest();
    }

    /**
     * Records a read that left {@code buffered} bytes of an incomplete message, {@code deliveredAny} when a message
     * ended in it (the remaining bytes then began in this read).
     */
    void onRead(final long nowNs, final boolean deliveredAny, final int buffered)
    {
        lastActivityNs = nowNs;
        if (buffered == 0)
        {
            partialSinceNs = NO_PARTIAL;
        }
        else if (deliveredAny || partialSinceNs == NO_PARTIAL)
        {
            partialSinceNs = nowNs;
        }
    }

    /** The message of {@code length} bytes at the start of the read buffer waits for a ring slot: stop reading. */
    void holdForRing(final int length, final int trunk, final long receivedNs)
    {
        heldLength = length;
        heldTrunk = trunk;
        heldSinceNs = receivedNs;
        updateInterest();
    }

    /** The held message took its slot (and was dropped from the buffer by the caller): read again. */
    void releaseFromRing()
    {
        heldLength = 0;
        updateInterest();
    }

    boolean heldForRing()
    {
        return heldLength > 0;
    }

    /** Why this connection is to be closed at {@code nowNs}; {@link #KEEP} while it may stay. */
    int expiry(final long nowNs, final long idleTimeoutNs, final long readTimeoutNs)
    {
        if (heldLength > 0)
        {
            return KEEP; // the wait is ours, not the peer's
        }
        // A handshake is held to the same bound as a message: a peer that opens connections and never finishes
        // them holds no more than a slowloris does.
        if (tls != null && !tls.established() && nowNs - openedNs >= readTimeoutNs)
        {
            return READ_TIMEOUT;
        }
        if (partialSinceNs != NO_PARTIAL && nowNs - partialSinceNs >= readTimeoutNs)
        {
            return READ_TIMEOUT;
        }
        return nowNs - lastActivityNs >= idleTimeoutNs ? IDLE : KEEP;
    }

    static final int KEEP = 0;
    static final int IDLE = 1;
    static final int READ_TIMEOUT = 2;

    /** Number of messages that were queued and are lost with the connection. */
    int pendingWriteCount()
    {
        return pendingWrites.size();
    }

    void close()
    {
        if (tls != null && connected)
        {
            tls.close();
        }
        if (key != null)
        {
            key.cancel();
        }
        CloseHelper.quietClose(channel);
        pendingWrites.clear();
        pendingWriteBytes = 0;
    }

    private void updateInterest()
    {
        if (key == null || !key.isValid())
        {
            return;
        }

        final int read = heldLength > 0 ? 0 : SelectionKey.OP_READ;
        final int ops = !connected ? SelectionKey.OP_CONNECT :
            pendingWrites.isEmpty() ? read : read | SelectionKey.OP_WRITE;
        if (key.interestOps() != ops)
        {
            key.interestOps(ops);
        }
    }

    public String toString()
    {
        return "TcpConnection{id=" + id + ", remote=" + remote + ", local=" + local + ", accepted=" + accepted + '}';
    }
}
