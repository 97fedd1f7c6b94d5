package dev.referee.engine.transaction;

import dev.referee.engine.snapshot.SnapshotException;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Transactions that only wait out a fixed time after their final response, kept as rows of a table instead of
 * objects with a timer each (node-start version 11 on; {@link TransactionLayer} keeps one table per wait). Server side
 * (64*T1): a non-INVITE transaction Completed over UDP (RFC 3261 Timer J), which answers a retransmitted request with
 * its final response, and an INVITE transaction Accepted (RFC 6026 Timer L), which absorbs a retransmitted INVITE.
 * Client side: an INVITE transaction Accepted (RFC 6026 Timer M, 64*T1), which hands a 2xx sent again to the TU, one
 * Completed (Timer D, 64*T1), which sends its ACK again for a final response sent again, and a non-INVITE one
 * Completed (Timer K, T4), which absorbs responses. At 3,000 calls/s some 300,000 of them wait at once; as objects
 * each had its transaction, key copy, message copy and timer (some ten cache misses to snapshot, restore or expire,
 * and old-generation objects for G1 to mark), here a row is a few array slots and its bytes in one ring.
 * <p>
 * All rows of a table wait the same time, so they are added in the order they expire: a FIFO ring of rows, with their
 * key and the message they send again (a final response, an ACK; none to absorb only) in a byte ring beside it, also
 * in FIFO order. Found by the key's hash (open addressing, linear probing);
 * a hit is checked against the key's bytes. Those whose request had no To tag are also found by the hash of their
 * origin (From, Call-ID, CSeq) and method, to tell a merged request (RFC 3261 §8.2.2.2): by hash alone, as a
 * collision of 64-bit hashes of two requests' origins is not a thing a sender can aim at in a request not yet sent.
 * <p>
 * Bounded: at most {@code maxRows} rows ({@code sip.max-transactions}) and {@link #BYTES_PER_ROW} bytes a row on
 * average; when full, the oldest row goes early (a retransmission that late is then taken as a new request, which the
 * dialog layer answers) and is counted. Which row goes depends on the rows alone (their count and lengths), never on
 * where the byte ring wrapped, so that a table restored from a snapshot makes the same choices as the one written.
 * The arrays start small and double; the byte ring may grow to twice the bytes allowed, so that what is allowed
 * always fits whatever the ring's padding at its wrap. Engine thread only.
 */
final class WaitingTransactions
{
    private static final int INITIAL_ROWS = 1024;
    private static final int INITIAL_BYTES = 256 * INITIAL_ROWS;
    /** Room for the rows' bytes: a key (about 80 bytes) and, for a non-INVITE server transaction, its final response (300-600). */
    static final int BYTES_PER_ROW = 512;

    private final int maxRows;
    /** The rows' bytes allowed (keys and messages): what decides an early removal. */
    private final long maxLiveBytes;
    /** The byte ring's largest size: twice {@link #maxLiveBytes}, a power of two. */
    private final int maxBytes;
    private long liveBytes;

    private int mask;
    private long[] keyHash;
    private long[] originHash;
    private long[] expiresNs;
    private long[] connectionId;
    private long[] bytesAt;
    private int[] keyLength;
    private int[] messageLength;
    private short[] method;
    private byte[] transport;
    private boolean[] hasOrigin;
    private InetSocketAddress[] destination;
    /** Sequence numbers of the first row and the one after the last: a row's slot is {@code sequence & mask}. */
    private long head;
    private long tail;

    private byte[] bytes;
    private final UnsafeBuffer bytesBuffer = new UnsafeBuffer(new byte[0]);
    private long bytesTail;

    /** Open addressing: row sequence + 1 (0 = empty), by the key's hash and by the origin's. */
    private long[] byKey;
    private long[] byOrigin;

    private long evictedEarly;

    WaitingTransactions(final int maxRows)
    {
        this.maxRows = Math.max(1, maxRows);
        this.maxBytes = (int)Math.min(1 << 30, Math.max(INITIAL_BYTES,
            Long.highestOneBit(2L * this.maxRows * BYTES_PER_ROW - 1) << 1));
        this.maxLiveBytes = maxBytes / 2;
        allocateRows(Math.min(INITIAL_ROWS, ceilingPowerOfTwo(this.maxRows)));
        bytes = new byte[Math.min(INITIAL_BYTES, maxBytes)];
        bytesBuffer.wrap(bytes);
    }

    int size()
    {
        return (int)(tail - head);
    }

    /** Rows that went before their time because the table was full. */
    long evictedEarly()
    {
        return evictedEarly;
    }

    /**
     * Adds a row: the key ({@code keyLength} bytes of {@code key}) with its hash, the origin's hash when the request
     * had no To tag ({@code hasOrigin}), and the message to send again (a final response for a retransmitted request,
     * an ACK for a final response sent again; none: absorbed).
     */
    void add(final DirectBuffer key, final int keyLength, final long keyHash, final boolean hasOrigin,
        final long originHash, final int method, final int transport, final InetSocketAddress destination,
        final long connectionId, final DirectBuffer message, final int messageLength, final long expiresNs)
    {
        final int length = keyLength + messageLength;
        if (length > maxLiveBytes / 4)
        {
            evictedEarly++; // cannot be held at all: a retransmission is taken as new
            return;
        }
        while (size() >= maxRows || liveBytes + length > maxLiveBytes)
        {
            removeHead();
            evictedEarly++;
        }
        // The rows and the ring's padding (less than a row at each of its few wraps, a row at most a quarter of the
        // live bytes allowed) take less than the ring at its largest: growing makes room, never a removal.
        while (!bytesFit(length))
        {
            if (head == tail)
            {
                // Empty, and the bytes would wrap: start at the ring's start.
                bytesTail = (bytesTail + bytes.length - 1) & -(long)bytes.length;
            }
            else if (!growBytes())
            {
                removeHead(); // not reached (see above); were it, the table stays bounded
                evictedEarly++;
            }
        }
        if (size() > mask)
        {
            growRows();
        }
        final long at = placeFor(length);
        final int slot = (int)(tail & mask);
        this.keyHash[slot] = keyHash;
        this.originHash[slot] = originHash;
        this.hasOrigin[slot] = hasOrigin;
        this.expiresNs[slot] = expiresNs;
        this.method[slot] = (short)method;
        this.transport[slot] = (byte)transport;
        this.destination[slot] = destination;
        this.connectionId[slot] = connectionId;
        this.keyLength[slot] = keyLength;
        this.messageLength[slot] = messageLength;
        this.bytesAt[slot] = at;
        final int offset = offsetOf(at);
        bytesBuffer.putBytes(offset, key, 0, keyLength);
        if (messageLength > 0)
        {
            bytesBuffer.putBytes(offset + keyLength, message, 0, messageLength);
        }
        bytesTail = at + length;
        liveBytes += length;
        insert(byKey, keyHash, tail);
        if (hasOrigin)
        {
            insert(byOrigin, originHash, tail);
        }
        tail++;
    }

    /** Lets go of the rows expired by {@code nowNs} (their 64*T1 is over). */
    void expire(final long nowNs)
    {
        while (head != tail && expiresNs[(int)(head & mask)] <= nowNs)
        {
            removeHead();
        }
    }

    /** The sequence number of the row whose key is {@code keyLength} bytes of {@code key}; -1 when none. */
    long find(final DirectBuffer key, final int keyLength, final long keyHash)
    {
        final int indexMask = byKey.length - 1;
        for (int i = home(keyHash, indexMask); byKey[i] != 0; i = (i + 1) & indexMask)
        {
            final long sequence = byKey[i] - 1;
            final int slot = (int)(sequence & mask);
            if (this.keyHash[slot] == keyHash && this.keyLength[slot] == keyLength &&
                sameBytes(offsetOf(bytesAt[slot]), key, keyLength))
            {
                return sequence;
            }
        }
        return -1;
    }

    /** True when a row of {@code method} has a request of that origin (From, Call-ID, CSeq) without To tag. */
    boolean holdsOrigin(final long originHash, final int method)
    {
        final int indexMask = byOrigin.length - 1;
        for (int i = home(originHash, indexMask); byOrigin[i] != 0; i = (i + 1) & indexMask)
        {
            final int slot = (int)((byOrigin[i] - 1) & mask);
            if (this.originHash[slot] == originHash && this.method[slot] == method)
            {
                return true;
            }
        }
        return false;
    }

    int method(final long sequence)
    {
        return method[(int)(sequence & mask)];
    }

    int transport(final long sequence)
    {
        return transport[(int)(sequence & mask)];
    }

    InetSocketAddress destination(final long sequence)
    {
        return destination[(int)(sequence & mask)];
    }

    long connectionId(final long sequence)
    {
        return connectionId[(int)(sequence & mask)];
    }

    /** Length of the message the row sends again (a final response, an ACK); 0: it absorbs without an answer. */
    int messageLength(final long sequence)
    {
        return messageLength[(int)(sequence & mask)];
    }

    /** Where the message of the row is, in {@link #bytes()}. */
    int messageOffset(final long sequence)
    {
        final int slot = (int)(sequence & mask);
        return offsetOf(bytesAt[slot]) + keyLength[slot];
    }

    DirectBuffer bytes()
    {
        return bytesBuffer;
    }

    /**
     * Snapshot (version 5): {@code i32 n}, then the rows oldest first, each {@code i64 expires | u8 has origin | i64
     * origin hash | i32 method | u8 transport | address | i64 connection | bytes key | bytes message}. The key's hash
     * is made again from its bytes.
     */
    void write(final SnapshotWriter out)
    {
        out.writeInt(size());
        for (long sequence = head; sequence != tail; sequence++)
        {
            final int slot = (int)(sequence & mask);
            final int offset = offsetOf(bytesAt[slot]);
            out.writeLong(expiresNs[slot]);
            out.writeBoolean(hasOrigin[slot]);
            out.writeLong(originHash[slot]);
            out.writeInt(method[slot]);
            out.writeByte(transport[slot]);
            out.writeAddress(destination[slot]);
            out.writeLong(connectionId[slot]);
            out.writeBytes(bytesBuffer, offset, keyLength[slot]);
            out.writeBytes(bytesBuffer, offset + keyLength[slot], messageLength[slot]);
        }
    }

    /** Restores what {@link #write} wrote, into an empty table. */
    void read(final SnapshotReader in)
    {
        if (size() != 0)
        {
            throw new SnapshotException("waiting server transactions restored into a table that holds some");
        }
        final int n = in.readInt();
        for (int i = 0; i < n; i++)
        {
            final long expires = in.readLong();
            final boolean origin = in.readBoolean();
            final long originHashRead = in.readLong();
            final int methodRead = in.readInt();
            final int transportRead = in.readByte();
            final InetSocketAddress destinationRead = in.readAddress();
            final long connection = in.readLong();
            final UnsafeBuffer key = new UnsafeBuffer(in.readBytes());
            final byte[] response = in.readBytes();
            add(key, key.capacity(), ServerTransactions.hash(key, key.capacity()), origin, originHashRead, methodRead,
                transportRead, destinationRead, connection, new UnsafeBuffer(response), response.length, expires);
        }
    }

    private void removeHead()
    {
        final int slot = (int)(head & mask);
        remove(byKey, keyHash, head);
        if (hasOrigin[slot])
        {
            remove(byOrigin, originHash, head);
        }
        destination[slot] = null;
        liveBytes -= keyLength[slot] + messageLength[slot];
        head++;
    }

    /** Where {@code length} bytes go: after the last row's, or at the ring's start when they would wrap. */
    private long placeFor(final int length)
    {
        final int offset = offsetOf(bytesTail);
        return offset + length <= bytes.length ? bytesTail : bytesTail + (bytes.length - offset);
    }

    private boolean bytesFit(final int length)
    {
        final long bytesHead = head == tail ? bytesTail : bytesAt[(int)(head & mask)];
        return placeFor(length) + length - bytesHead <= bytes.length;
    }

    /** Doubles the byte ring if it may grow: each row keeps its place modulo the larger ring, so none wraps. */
    private boolean growBytes()
    {
        if (bytes.length >= maxBytes)
        {
            return false;
        }
        final byte[] grown = new byte[bytes.length * 2];
        final UnsafeBuffer to = new UnsafeBuffer(grown);
        for (long sequence = head; sequence != tail; sequence++)
        {
            final int slot = (int)(sequence & mask);
            final long at = bytesAt[slot];
            to.putBytes((int)(at & (grown.length - 1)), bytesBuffer, offsetOf(at), keyLength[slot] + messageLength[slot]);
        }
        bytes = grown;
        bytesBuffer.wrap(bytes);
        return true;
    }

    private void growRows()
    {
        final long[] oldKeyHash = keyHash;
        final long[] oldOriginHash = originHash;
        final long[] oldExpires = expiresNs;
        final long[] oldConnection = connectionId;
        final long[] oldBytesAt = bytesAt;
        final int[] oldKeyLength = keyLength;
        final int[] oldResponseLength = messageLength;
        final short[] oldMethod = method;
        final byte[] oldTransport = transport;
        final boolean[] oldHasOrigin = hasOrigin;
        final InetSocketAddress[] oldDestination = destination;
        final int oldMask = mask;
        allocateRows(2 * (mask + 1));
        for (long sequence = head; sequence != tail; sequence++)
        {
            final int from = (int)(sequence & oldMask);
            final int to = (int)(sequence & mask);
            keyHash[to] = oldKeyHash[from];
            originHash[to] = oldOriginHash[from];
            expiresNs[to] = oldExpires[from];
            connectionId[to] = oldConnection[from];
            bytesAt[to] = oldBytesAt[from];
            keyLength[to] = oldKeyLength[from];
            messageLength[to] = oldResponseLength[from];
            method[to] = oldMethod[from];
            transport[to] = oldTransport[from];
            hasOrigin[to] = oldHasOrigin[from];
            destination[to] = oldDestination[from];
            insert(byKey, keyHash[to], sequence);
            if (hasOrigin[to])
            {
                insert(byOrigin, originHash[to], sequence);
            }
        }
    }

    private void allocateRows(final int rows)
    {
        mask = rows - 1;
        keyHash = new long[rows];
        originHash = new long[rows];
        expiresNs = new long[rows];
        connectionId = new long[rows];
        bytesAt = new long[rows];
        keyLength = new int[rows];
        messageLength = new int[rows];
        method = new short[rows];
        transport = new byte[rows];
        hasOrigin = new boolean[rows];
        destination = new InetSocketAddress[rows];
        // At most half full: probes stay short.
        byKey = new long[2 * rows];
        byOrigin = new long[2 * rows];
    }

    private boolean sameBytes(final int offset, final DirectBuffer key, final int length)
    {
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            if (bytesBuffer.getLong(offset + i) != key.getLong(i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (bytesBuffer.getByte(offset + i) != key.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    private int offsetOf(final long at)
    {
        return (int)(at & (bytes.length - 1));
    }

    private static void insert(final long[] index, final long hash, final long sequence)
    {
        final int indexMask = index.length - 1;
        int i = home(hash, indexMask);
        while (index[i] != 0)
        {
            i = (i + 1) & indexMask;
        }
        index[i] = sequence + 1;
    }

    /** Removes {@code sequence} from {@code index}, shifting back the rows probed past it (no tombstones). */
    private void remove(final long[] index, final long[] hashes, final long sequence)
    {
        final int indexMask = index.length - 1;
        int i = home(hashes[(int)(sequence & mask)], indexMask);
        while (index[i] != sequence + 1)
        {
            if (index[i] == 0)
            {
                throw new IllegalStateException("waiting transaction " + sequence + " not indexed");
            }
            i = (i + 1) & indexMask;
        }
        for (int j = (i + 1) & indexMask; index[j] != 0; j = (j + 1) & indexMask)
        {
            final int homeOfJ = home(hashes[(int)((index[j] - 1) & mask)], indexMask);
            // The entry at j may move back to i only if its home is not cyclically in (i, j].
            final boolean between = i <= j ? homeOfJ > i && homeOfJ <= j : homeOfJ > i || homeOfJ <= j;
            if (!between)
            {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    private static int home(final long hash, final int indexMask)
    {
        // FNV-1a's low bits are its weakest: fold the high half in.
        return (int)(hash ^ (hash >>> 32)) & indexMask;
    }

    private static int ceilingPowerOfTwo(final int value)
    {
        return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
    }

    @Override
    public String toString()
    {
        return "WaitingTransactions{" + size() + " rows, " + bytes.length + " bytes, " +
            Arrays.toString(new long[] {head, tail}) + "}";
    }
}
