package dev.referee.transport;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The datagrams of one recvmmsg, as the receive thread reads them: up to a batch a system call into native memory
 * allocated once, each datagram's source made once per source ({@link SocketAddressCache}), and how long each waited
 * in the socket before it was read (its kernel arrival stamp, {@link LinuxDatagramCalls#stampArrivals}, against the
 * real-time clock read once per call). One thread only.
 */
final class ReceiveBatch
{
    /**
     * A socket wait longer than this is not believed: a full buffer of the smallest datagrams drains in well under it,
     * so only the system clock stepping between a datagram's stamp and its reading makes one.
     */
    static final long MAX_SOCKET_WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private final LinuxDatagramCalls calls;
    private final DatagramVector vector;
    private final int capacity;
    private final SocketAddressCache sources = new SocketAddressCache();
    /** The real-time clock the arrival stamps are read against (SO_TIMESTAMPNS is in real time); null: none. */
    private final EpochNanoClock arrivalClock;
    private long readEpochNs;

    /**
     * {@code capacity} datagrams a call, each up to {@code maxLength} bytes (longer ones show as longer), their
     * arrival stamps read against {@code arrivalClock} (the system's real-time clock; tests step one), or null when
     * the sockets are not stamped (then no clock is read and every wait is 0).
     */
    ReceiveBatch(final LinuxDatagramCalls calls, final int capacity, final int maxLength,
        final EpochNanoClock arrivalClock)
    {
        this.calls = calls;
        this.arrivalClock = arrivalClock;
        this.capacity = capacity;
        vector = new DatagramVector(capacity, maxLength + 1);
    }

    /**
     * Reads up to {@code count} (at most the capacity) datagrams from {@code fd} without waiting.
     *
     * @return how many, 0 when the socket is empty, or the negated errno of a failed call.
     */
    int read(final int fd, final int count)
    {
        final int asked = Math.min(count, capacity);
        for (int slot = 0; slot < asked; slot++)
        {
            vector.prepareReceive(slot);
        }
        final int received = calls.receive(fd, vector, asked);
        if (received > 0)
        {
            if (arrivalClock != null)
            {
                readEpochNs = arrivalClock.nanoTime();
            }
            return received;
        }
        final int errno = received == 0 ? LinuxDatagramCalls.EAGAIN : calls.errno();
        return errno == LinuxDatagramCalls.EAGAIN ? 0 : -errno;
    }

    /** Bytes of datagram {@code slot} of the last read. */
    int length(final int slot)
    {
        return vector.receivedLength(slot);
    }

    /** Its bytes. */
    UnsafeBuffer data(final int slot)
    {
        return vector.data(slot);
    }

    /** Where it came from; null for a family other than IPv4 and IPv6. */
    InetSocketAddress source(final int slot)
    {
        return vector.source(slot, sources);
    }

    /** How long it waited in the socket before the read (see {@link #socketWaitNs(long, long)}). */
    long socketWaitNs(final int slot)
    {
        return socketWaitNs(readEpochNs, vector.arrivalEpochNs(slot));
    }

    /**
     * How long a datagram stamped {@code arrivalEpochNs} by the kernel waited in the socket before it was read at
     * {@code readEpochNs}: 0 without a stamp, and for a wait below 0 or above {@link #MAX_SOCKET_WAIT_NS}, which only a
     * step of the system clock between the two readings can make.
     */
    static long socketWaitNs(final long readEpochNs, final long arrivalEpochNs)
    {
        final long waitNs = readEpochNs - arrivalEpochNs;
        return arrivalEpochNs == 0 || waitNs < 0 || waitNs > MAX_SOCKET_WAIT_NS ? 0 : waitNs;
    }
}
