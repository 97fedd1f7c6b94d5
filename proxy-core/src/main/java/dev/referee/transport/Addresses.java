package dev.referee.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Writes addresses as SIP and the configuration write them: IPv6 in brackets, compressed (RFC 5952). */
public final class Addresses
{
    private Addresses()
    {
    }

    /** "127.0.0.1:5060", "[::1]:5060", "[2001:db8::1]:5060". */
    /**
     * True when {@code source} is on the host of {@code peer} (ports may differ: RFC 3261 §18.2.2), or when either is
     * not known (nothing to compare against).
     */
    public static boolean sameHost(final InetSocketAddress peer, final InetSocketAddress source)
    {
        return peer == null || source == null || peer.getAddress() == null ||
            peer.getAddress().equals(source.getAddress());
    }

    public static String hostPort(final InetSocketAddress address)
    {
        return host(address) + ':' + address.getPort();
    }

    /** The host part: an IPv6 address compressed and in brackets; a hostname when the address is unresolved. */
    public static String host(final InetSocketAddress address)
    {
        final InetAddress ip = address.getAddress();
        if (ip == null)
        {
            return address.getHostString();
        }
        return ip instanceof Inet6Address ? "[" + compressed((Inet6Address)ip) + "]" : ip.getHostAddress();
    }

    /** RFC 5952 §4: lower case, no leading zeros, the longest run (2+ groups, first on a tie) of zero groups as "::". */
    public static String compressed(final Inet6Address address)
    {
        final byte[] bytes = address.getAddress();
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++)
        {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; )
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }
            int end = i;
            while (end < 8 && groups[end] == 0)
            {
                end++;
            }
            if (end - i > bestLength)
            {
                bestStart = i;
                bestLength = end - i;
            }
            i = end;
        }
        final StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':')
            {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
