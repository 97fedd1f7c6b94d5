package dev.referee.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransportNameTest
{
    @Test
    void shouldReadTransportNamesInAnyCase()
    {
        assertEquals(Transport.UDP, Transport.parse("udp"));
        assertEquals(Transport.UDP, Transport.parse("UDP"));
        assertEquals(Transport.TCP, Transport.parse("tcp"));
        assertEquals(Transport.TCP, Transport.parse("Tcp"));
        assertEquals(-1, Transport.parse("tls"));
        assertEquals(-1, Transport.parse("sctp"));
        assertEquals(-1, Transport.parse("ucp"));
    }
}
