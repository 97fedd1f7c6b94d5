package dev.referee.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressesTest
{
    private static String format(final String host, final int port)
    {
        return Addresses.hostPort(new InetSocketAddress(host, port));
    }

    @Test
    void shouldWriteIpv4AsIs()
    {
        assertEquals("127.0.0.1:5060", format("127.0.0.1", 5060));
    }

    @Test
    void shouldCompressIpv6AsRfc5952Says()
    {
        assertEquals("[::1]:5060", format("0:0:0:0:0:0:0:1", 5060));
        assertEquals("[::]:5060", format("::", 5060));
        assertEquals("[2001:db8::1]:5061", format("2001:0DB8:0:0:0:0:0:1", 5061));
        assertEquals("[2001:db8:0:1:1:1:1:1]:1", format("2001:db8:0:1:1:1:1:1", 1), "a single zero group stays");
        assertEquals("[2001:0:0:1::1]:1", format("2001:0:0:1:0:0:0:1", 1), "the longest run is compressed");
        assertEquals("[2001:db8::1:0:0:1]:1", format("2001:db8:0:0:1:0:0:1", 1), "the first of equal runs");
    }
}
