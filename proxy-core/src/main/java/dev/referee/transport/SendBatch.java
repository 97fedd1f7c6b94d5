package dev.referee.transport;

import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * Datagrams queued by the sending thread and written together: one sendmmsg per socket, each socket's datagrams in
 * the order they were added (a watched route target has its own connected socket, so a batch may hold several
 * sockets' groups). The bytes are copied into native memory when added. One thread only.
 */
final class SendBatch
{
    /** What became of each datagram written. */
    interface Outcome
    {
        /** Handed to the kernel; {@code data} holds its bytes during the call. */
        void sent(InetSocketAddress destination, DirectBuffer data, int length);

        /** Refused by the kernel with {@code errno} (a full socket buffer, an ICMP answer, an unreachable peer). */
        void failed(DatagramChannel channel, int errno);
    }

    private final LinuxDatagramCalls calls;
    private final DatagramVector vector;
    private final int capacity;
    private int size;
    private final DatagramChannel[] channels;
    private final int[] fds;
    private final InetSocketAddress[] destinations;
    private final boolean[] connected;
    private final int[] lengths;
    /** Slots of the group being written, in order; which slots a group already took. */
    private final int[] groupSlots;
    private final boolean[] written;

    SendBatch(final LinuxDatagramCalls calls, final int capacity, final int maxLength)
    {
        this.calls = calls;
        this.capacity = capacity;
        vector = new DatagramVector(capacity, maxLength);
        channels = new DatagramChannel[capacity];
        fds = new int[capacity];
        destinations = new InetSocketAddress[capacity];
        connected = new boolean[capacity];
        lengths = new int[capacity];
        groupSlots = new int[capacity];
        written = new boolean[capacity];
    }

    boolean isFull()
    {
        return size == capacity;
    }

    int size()
    {
        return size;
    }

    /**
     * Adds a datagram for {@code channel} (descriptor {@code fd}); {@code toConnectedPeer}: the channel is connected
     * to {@code destination}, which is then not named in the call. Not when full.
     */
    void add(final DatagramChannel channel, final int fd, final InetSocketAddress destination,
        final boolean toConnectedPeer, final DirectBuffer buffer, final int offset, final int length)
    {
        final int slot = size++;
        vector.data(slot).putBytes(0, buffer, offset, length);
        channels[slot] = channel;
        fds[slot] = fd;
        destinations[slot] = destination;
        connected[slot] = toConnectedPeer;
        lengths[slot] = length;
    }

    /** Writes every datagram added, tells {@code outcome} of each, and empties the batch. */
    void write(final Outcome outcome)
    {
        Arrays.fill(written, 0, size, false);
        for (int first = 0; first < size; first++)
        {
            if (!written[first])
            {
                writeGroup(first, outcome);
            }
        }
        clear();
    }

    /** Forgets every datagram added, written or not. */
    void clear()
    {
        Arrays.fill(channels, 0, size, null);
        Arrays.fill(destinations, 0, size, null);
        size = 0;
    }

    /** Writes the datagrams of slot {@code first}'s socket, from {@code first} on, in their order. */
    private void writeGroup(final int first, final Outcome outcome)
    {
        final int fd = fds[first];
        int messages = 0;
        for (int slot = first; slot < size; slot++)
        {
            if (!written[slot] && fds[slot] == fd)
            {
                written[slot] = true;
                vector.prepareSend(messages, slot, lengths[slot], connected[slot] ? null : destinations[slot]);
                groupSlots[messages++] = slot;
            }
        }

        int done = 0;
        while (done < messages)
        {
            final int count = calls.send(fd, vector, done, messages - done);
            if (count > 0)
            {
                for (int i = done; i < done + count; i++)
                {
                    final int slot = groupSlots[i];
                    outcome.sent(destinations[slot], vector.data(slot), lengths[slot]);
                }
                done += count;
                continue;
            }
            final int errno = calls.errno();
            if (errno != LinuxDatagramCalls.EINTR)
            {
                // sendmmsg stops at the first datagram it cannot send: that one fails, the rest are tried again.
                outcome.failed(channels[groupSlots[done]], errno);
                done++;
            }
        }
    }
}
