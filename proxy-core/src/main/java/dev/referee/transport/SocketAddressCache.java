package dev.referee.transport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The source addresses of received datagrams as {@link InetSocketAddress}es, made once per source and kept in a
 * direct-mapped table of fixed size: a node hears the same few trunks and phones over and over, and a new address
 * object per datagram would be the receive thread's main garbage. A source that collides with another in the table
 * replaces it (made anew next time), so the table never grows, whatever sources send. One thread only.
 */
final class SocketAddressCache
{
    private static final int SIZE = 4096;
    private static final int MASK = SIZE - 1;

    private final long[] high = new long[SIZE];
    private final long[] low = new long[SIZE];
    /** Port in the low 16 bits, 1 in bit 16 for IPv6 (so that no IPv4 entry equals an IPv6 one). */
    private final long[] portAndKind = new long[SIZE];
    private final int[] scopes = new int[SIZE];
    private final InetSocketAddress[] addresses = new InetSocketAddress[SIZE];

    /** An IPv4 source; {@code address} in host order of its bytes (a.b.c.d is a << 24 | ...). */
    InetSocketAddress ipv4(final int address, final int port)
    {
        final int index = index(0, address, port);
        final InetSocketAddress cached = addresses[index];
        if (cached != null && high[index] == 0 && low[index] == address && portAndKind[index] == port)
        {
            return cached;
        }
        final byte[] bytes = {(byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address};
        return remember(index, 0, address, port, 0, bytes);
    }

    /** An IPv6 source: the address's first and last 8 bytes (network order), its scope id, its port. */
    InetSocketAddress ipv6(final long addressHigh, final long addressLow, final int scopeId, final int port)
    {
        final long kind = 1L << 16 | port;
        final int index = index(addressHigh, addressLow ^ scopeId, port);
        final InetSocketAddress cached = addresses[index];
        if (cached != null && high[index] == addressHigh && low[index] == addressLow &&
            portAndKind[index] == kind && scopes[index] == scopeId)
        {
            return cached;
        }
        final byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            bytes[i] = (byte)(addressHigh >>> (56 - 8 * i));
            bytes[8 + i] = (byte)(addressLow >>> (56 - 8 * i));
        }
        return remember(index, addressHigh, addressLow, kind, scopeId, bytes);
    }

    private InetSocketAddress remember(final int index, final long addressHigh, final long addressLow,
        final long kind, final int scopeId, final byte[] bytes)
    {
        final InetSocketAddress address = new InetSocketAddress(inetAddress(bytes, scopeId), (int)(kind & 0xFFFF));
        high[index] = addressHigh;
        low[index] = addressLow;
        portAndKind[index] = kind;
        scopes[index] = scopeId;
        addresses[index] = address;
        return address;
    }

    /**
     * As the JDK's own receive makes it: an IPv4-mapped IPv6 address (a dual-stack socket hearing IPv4) becomes the
     * IPv4 address, so that a source is the same object whichever socket heard it.
     */
    private static InetAddress inetAddress(final byte[] bytes, final int scopeId)
    {
        try
        {
            final InetAddress address = InetAddress.getByAddress(bytes);
            return scopeId == 0 || address instanceof java.net.Inet4Address ? address :
                java.net.Inet6Address.getByAddress(null, bytes, scopeId);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex); // only for a length other than 4 or 16
        }
    }

    private static int index(final long addressHigh, final long addressLow, final int port)
    {
        long hash = addressHigh * 0x9E3779B97F4A7C15L ^ addressLow * 0xC2B2AE3D27D4EB4FL ^ port * 0x165667B19E3779F9L;
        hash ^= hash >>> 29;
        return (int)hash & MASK;
    }
}
