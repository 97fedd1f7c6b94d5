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
        assertEquals(Transport.TLS, Transport.parse("tls"));
        assertEquals(Transport.TLS, Transport.parse("TLS"));
        assertEquals(-1, Transport.parse("sctp"));
        assertEquals(-1, Transport.parse("ucp"));
        assertEquals(-1, Transport.parse("tlp"));
        assertEquals(-1, Transport.parse("tcs"));
    }

    @Test
    void shouldSpellEachTransportAsViaAndUrisDo()
    {
        assertEquals("UDP", Transport.viaName(Transport.UDP));
        assertEquals("TCP", Transport.viaName(Transport.TCP));
        assertEquals("TLS", Transport.viaName(Transport.TLS));
        assertEquals("", Transport.uriParameter(Transport.UDP));
        assertEquals(";transport=tcp", Transport.uriParameter(Transport.TCP));
        assertEquals(";transport=tls", Transport.uriParameter(Transport.TLS));
        assertEquals(Transport.TLS, Transport.parse(Transport.paramName(Transport.TLS)));
    }
}
