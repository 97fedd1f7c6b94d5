package dev.referee.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as "10.0.0.0/8" or "2001:db8::/32"; a bare address is a block of one.
 * Host bits below the prefix are ignored, so "10.1.2.3/8" is the same block as "10.0.0.0/8".
 */
public record Cidr(InetAddress network, int prefixLength)
{
    /** Reads "a.b.c.d/n", "ipv6/n" or a bare address; throws IllegalArgumentException with the reason. */
    public static Cidr parse(final String text)
    {
        final int slash = text.indexOf('/');
        final InetAddress address = AddressSyntax.ipLiteral(slash < 0 ? text : text.substring(0, slash));
        final int maxBits = address.getAddress().length * 8;
        if (slash < 0)
        {
            return new Cidr(address, maxBits);
        }
        final String bits = text.substring(slash + 1);
        if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit))
        {
            throw new IllegalArgumentException("prefix length must be a number");
        }
        final int prefixLength = Integer.parseInt(bits);
        if (prefixLength > maxBits)
        {
            throw new IllegalArgumentException("prefix length " + prefixLength + " exceeds " + maxBits);
        }
        return new Cidr(masked(address, prefixLength), prefixLength);
    }

    /** True when {@code address} is of the same family and its first {@code prefixLength} bits match. */
    public boolean contains(final InetAddress address)
    {
        final byte[] block = network.getAddress();
        final byte[] candidate = address.getAddress();
        if (block.length != candidate.length)
        {
            return false;
        }
        int remaining = prefixLength;
        for (int i = 0; i < block.length && remaining > 0; i++)
        {
            final int mask = remaining >= 8 ? 0xFF : (0xFF << (8 - remaining)) & 0xFF;
            if ((block[i] & mask) != (candidate[i] & mask))
            {
                return false;
            }
            remaining -= 8;
        }
        return true;
    }

    /** Clears the host bits so that equal blocks compare equal however they were written. */
    private static InetAddress masked(final InetAddress address, final int prefixLength)
    {
        final byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++)
        {
            final int bitsHere = Math.max(0, Math.min(8, prefixLength - i * 8));
            bytes[i] = (byte)(bytes[i] & (0xFF << (8 - bitsHere)));
        }
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public String toString()
    {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
