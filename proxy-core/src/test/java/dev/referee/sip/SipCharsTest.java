package dev.referee.sip;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SipCharsTest
{
    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertPort(final int expectedPort, final int expectedEnd, final String text, final int from)
    {
        final byte[] bytes = ascii(text);
        final long portAt = SipChars.portAt(bytes, from, bytes.length);
        assertEquals(expectedPort, SipChars.port(portAt), text);
        assertEquals(expectedEnd, SipChars.portEnd(portAt), text);
        // The same as the two passes it replaces.
        assertEquals(expectedPort, (int)SipChars.parseNumber(bytes, from, expectedEnd, 5, SipChars.MAX_PORT), text);
    }

    @Test
    void shouldReadAPortUpToTheFirstOtherByte()
    {
        assertPort(5060, 6, "h:5060;lr", 2);
        assertPort(5060, 6, "h:5060", 2);
        assertPort(1, 3, "h:1", 2);
        assertPort(0, 3, "h:0>", 2);
        assertPort(5060, 7, "h:05060", 2);
        assertPort(65535, 7, "h:65535 ", 2);
    }

    @Test
    void shouldRefusePortsOfNoDigitsTooManyDigitsOrAbove65535()
    {
        assertPort(-1, 2, "h:", 2);
        assertPort(-1, 2, "h:;lr", 2);
        assertPort(-1, 7, "h:65536", 2);
        assertPort(-1, 8, "h:000001", 2);
        assertPort(-1, 13, "h:99999999999", 2);
        assertPort(-1, 22, "h:42949672965060000000", 2);
    }

    @Test
    void shouldNotReadPastTheRangeGiven()
    {
        final byte[] bytes = ascii("5060123");
        final long portAt = SipChars.portAt(bytes, 0, 4);
        assertEquals(5060, SipChars.port(portAt));
        assertEquals(4, SipChars.portEnd(portAt));
    }
}
