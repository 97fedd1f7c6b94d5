package dev.referee.journal;

import java.net.InetAddress;

/**
 * The raw bytes of the last few IP addresses a writer encoded. {@link InetAddress#getAddress()} returns a fresh copy
 * on every call (4 or 16 bytes of garbage per address, two per input); a node talks to a handful of peers and its
 * own listeners, so nearly every address is one of the last few seen. Compared by {@link InetAddress#equals}, which
 * does not allocate: the transports create a new {@code InetSocketAddress} per datagram for the same peer.
 * Single-threaded: one per writer thread.
 */
final class AddressCache
{
    private static final int SIZE = 8;

    private final InetAddress[] addresses = new InetAddress[SIZE];
    private final byte[][] raw = new byte[SIZE][];
    private int next;

    /** The bytes of {@code address}: do not modify them. */
    byte[] bytes(final InetAddress address)
    {
        for (int i = 0; i < SIZE; i++)
        {
            final InetAddress cached = addresses[i];
            if (cached == address || (cached != null && cached.equals(address)))
            {
                return raw[i];
            }
        }
        final byte[] bytes = address.getAddress();
        addresses[next] = address;
        raw[next] = bytes;
        next = (next + 1) % SIZE;
        return bytes;
    }
}
