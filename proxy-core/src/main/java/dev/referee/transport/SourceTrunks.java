package dev.referee.transport;

import dev.referee.config.Cidr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.TreeSet;

/**
 * Source address to trunk index ({@code trunks[].sources}): the first trunk in configuration order with a block that
 * holds the address, as the engine's REFER policy chooses, or {@link #NO_TRUNK}.
 * <p>
 * One hash table per address family keyed by (prefix length, masked address): a lookup masks the address once per
 * distinct prefix length configured (a handful in practice, at most 33 for IPv4) and probes, whatever the number
 * of blocks. IPv4 lookups allocate nothing; IPv6 ones copy the 16 address bytes, the only way the JDK gives them.
 * Immutable after construction; any thread.
 */
public final class SourceTrunks
{
    public static final int NO_TRUNK = -1;

    private final Family ipv4;
    private final Family ipv6;
    private final boolean empty;

    public SourceTrunks(final List<TrunkSources> trunks)
    {
        ipv4 = new Family(trunks, 4);
        ipv6 = new Family(trunks, 16);
        empty = trunks.isEmpty();
    }

    /** True when no trunk is configured. */
    public boolean isEmpty()
    {
        return empty;
    }

    /** The index in {@code trunks} of the trunk {@code address} belongs to, or {@link #NO_TRUNK}. */
    public int trunkOf(final InetAddress address)
    {
        if (address instanceof Inet4Address)
        {
            return ipv4.lookup(0, ipv4Bits((Inet4Address)address));
        }
        final byte[] bytes = address.getAddress();
        return ipv6.lookup(bits(bytes, 0), bits(bytes, 8));
    }

    /**
     * The address as a number, without the byte array copy {@link InetAddress#getAddress()} makes. The JDK's
     * {@code Inet4Address.hashCode()} is that number (it has been since Java 1.0, and SourceTrunksTest checks it).
     */
    static long ipv4Bits(final Inet4Address address)
    {
        return address.hashCode() & 0xFFFF_FFFFL;
    }

    /** Big-endian 64 bits of {@code bytes} from {@code from}, zero-padded past the end (IPv4 in the low half). */
    static long bits(final byte[] bytes, final int from)
    {
        long value = 0;
        for (int i = from; i < from + 8; i++)
        {
            value = value << 8 | (i < bytes.length ? bytes[i] & 0xFF : 0);
        }
        return value;
    }

    /** Masks of the first {@code prefixLength} bits of a 128-bit value held as (high, low). */
    private static long highMask(final int prefixLength)
    {
        return prefixLength <= 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
    }

    private static long lowMask(final int prefixLength)
    {
        final int bits = prefixLength - 64;
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    /**
     * The blocks of one family in an open-addressing table. IPv4 addresses sit in the low 32 bits of {@code low}, so
     * their prefix lengths are shifted by 96 to use the same masks.
     */
    private static final class Family
    {
        private final int shift;
        private final int[] prefixLengths;
        private final long[] highMasks;
        private final long[] lowMasks;
        private final long[] keyHigh;
        private final long[] keyLow;
        private final int[] keyPrefix;
        private final int[] trunk;
        private final int mask;

        Family(final List<TrunkSources> trunks, final int addressBytes)
        {
            shift = addressBytes == 4 ? 96 : 0;
            final TreeSet<Integer> lengths = new TreeSet<>();
            int count = 0;
            for (final TrunkSources config : trunks)
            {
                for (final Cidr block : config.sources())
                {
                    if (block.network().getAddress().length == addressBytes)
                    {
                        lengths.add(block.prefixLength() + shift);
                        count++;
                    }
                }
            }
            prefixLengths = lengths.descendingSet().stream().mapToInt(Integer::intValue).toArray();
            highMasks = new long[prefixLengths.length];
            lowMasks = new long[prefixLengths.length];
            for (int i = 0; i < prefixLengths.length; i++)
            {
                highMasks[i] = highMask(prefixLengths[i]);
                lowMasks[i] = lowMask(prefixLengths[i]);
            }
            final int capacity = Integer.highestOneBit(Math.max(4, count * 2) - 1) << 1;
            keyHigh = new long[capacity];
            keyLow = new long[capacity];
            keyPrefix = new int[capacity];
            trunk = new int[capacity];
            java.util.Arrays.fill(keyPrefix, -1);
            mask = capacity - 1;
            for (int t = 0; t < trunks.size(); t++)
            {
                for (final Cidr block : trunks.get(t).sources())
                {
                    final byte[] bytes = block.network().getAddress();
                    if (bytes.length == addressBytes)
                    {
                        final long high = addressBytes == 4 ? 0 : bits(bytes, 0);
                        final long low = addressBytes == 4 ? bits(bytes, 0) >>> 32 : bits(bytes, 8);
                        put(block.prefixLength() + shift, high, low, t);
                    }
                }
            }
        }

        /** Keeps the lowest trunk index for a block listed twice: the first trunk wins, as in the engine. */
        private void put(final int prefixLength, final long high, final long low, final int trunkIndex)
        {
            int slot = slot(prefixLength, high, low);
            while (keyPrefix[slot] >= 0)
            {
                if (keyPrefix[slot] == prefixLength && keyHigh[slot] == high && keyLow[slot] == low)
                {
                    return;
                }
                slot = (slot + 1) & mask;
            }
            keyPrefix[slot] = prefixLength;
            keyHigh[slot] = high;
            keyLow[slot] = low;
            trunk[slot] = trunkIndex;
        }

        int lookup(final long high, final long low)
        {
            int best = NO_TRUNK;
            for (int i = 0; i < prefixLengths.length; i++)
            {
                final int prefixLength = prefixLengths[i];
                final long maskedHigh = high & highMasks[i];
                final long maskedLow = low & lowMasks[i];
                int slot = slot(prefixLength, maskedHigh, maskedLow);
                while (keyPrefix[slot] >= 0)
                {
                    if (keyPrefix[slot] == prefixLength && keyHigh[slot] == maskedHigh && keyLow[slot] == maskedLow)
                    {
                        if (best == NO_TRUNK || trunk[slot] < best)
                        {
                            best = trunk[slot];
                        }
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                if (best == 0)
                {
                    break;
                }
            }
            return best;
        }

        private int slot(final int prefixLength, final long high, final long low)
        {
            long hash = (high * 0x9E3779B97F4A7C15L) ^ (low * 0xC2B2AE3D27D4EB4FL) ^ prefixLength;
            hash ^= hash >>> 31;
            return (int)hash & mask;
        }
    }
}
