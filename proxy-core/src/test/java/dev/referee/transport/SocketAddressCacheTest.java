package dev.referee.transport;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

class SocketAddressCacheTest
{
    @Test
    void shouldAnswerTheSameObjectForTheSameSourceAndADifferentOneForAnotherPort() throws Exception
    {
        final SocketAddressCache cache = new SocketAddressCache();
        final InetSocketAddress first = cache.ipv4(0x7F000001, 5060);
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5060), first);
        assertSame(first, cache.ipv4(0x7F000001, 5060));
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5061), cache.ipv4(0x7F000001, 5061));
        assertEquals(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 65535), cache.ipv4(0x0A010203, 65535));
    }

    /** As the JDK's receive does: an IPv4-mapped source on a dual-stack socket is the IPv4 address. */
    @Test
    void shouldMakeAnIpv4MappedSourceAnIpv4Address()
    {
        final SocketAddressCache cache = new SocketAddressCache();
        final InetSocketAddress mapped = cache.ipv6(0, 0x0000FFFF_C0A80001L, 0, 5060);
        assertInstanceOf(Inet4Address.class, mapped.getAddress());
        assertEquals("192.168.0.1", mapped.getAddress().getHostAddress());
        final InetSocketAddress loopback = cache.ipv6(0, 1, 0, 5060);
        assertInstanceOf(Inet6Address.class, loopback.getAddress());
        assertEquals(new InetSocketAddress("::1", 5060).getAddress(), loopback.getAddress());
        final InetSocketAddress linkLocal = cache.ipv6(0xFE80_0000_0000_0000L, 7, 3, 5060);
        assertEquals(3, ((Inet6Address)linkLocal.getAddress()).getScopeId());
        assertSame(linkLocal, cache.ipv6(0xFE80_0000_0000_0000L, 7, 3, 5060));
    }

    /** Many more sources than the table holds: every answer is still the right address (collisions replace). */
    @Test
    void shouldAnswerRightForManySourcesWithoutGrowing() throws Exception
    {
        final SocketAddressCache cache = new SocketAddressCache();
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 50_000; i++)
        {
            final int address = random.nextInt();
            final int port = random.nextInt(65536);
            final InetSocketAddress answer = cache.ipv4(address, port);
            final byte[] bytes = {(byte)(address >>> 24), (byte)(address >>> 16), (byte)(address >>> 8), (byte)address};
            assertEquals(new InetSocketAddress(InetAddress.getByAddress(bytes), port), answer);
            final long high = random.nextLong() | 1L << 62;
            final long low = random.nextLong();
            final InetSocketAddress six = cache.ipv6(high, low, 0, port);
            assertEquals(high, java.nio.ByteBuffer.wrap(six.getAddress().getAddress()).getLong(0));
            assertEquals(low, java.nio.ByteBuffer.wrap(six.getAddress().getAddress()).getLong(8));
            assertEquals(port, six.getPort());
        }
    }
}
