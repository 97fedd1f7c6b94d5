package dev.referee.sip;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The array lookup reads a method a word at a time where it can: the same answers as the text lookup. */
class SipMethodLookupTest
{
    private static final String[] METHODS = {
        "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",
        "REFER", "MESSAGE", "UPDATE" };

    @Test
    void shouldFindEveryMethodFollowedByMoreBytesOrEndingTheArray()
    {
        for (final String method : METHODS)
        {
            final int expected = SipMethod.lookup(method);
            final byte[] line = (method + " sip:a@b SIP/2.0\r\n").getBytes(StandardCharsets.US_ASCII);
            assertEquals(expected, SipMethod.lookup(line, 0, method.length()), method);
            final byte[] alone = ("1 " + method).getBytes(StandardCharsets.US_ASCII);
            assertEquals(expected, SipMethod.lookup(alone, 2, method.length()), method);
        }
    }

    @Test
    void shouldNotFindOtherSpellings()
    {
        for (final String other : new String[] {"invite", "INVITEX", "INVIT", "SUBSCRIBX", "SUBSCRIBES", "REGISTEr",
            "X", "NOTIFY1"})
        {
            final byte[] line = (other + " sip:a@b SIP/2.0\r\n").getBytes(StandardCharsets.US_ASCII);
            assertEquals(SipMethod.UNKNOWN, SipMethod.lookup(line, 0, other.length()), other);
            assertEquals(SipMethod.UNKNOWN, SipMethod.lookup(other.getBytes(StandardCharsets.US_ASCII), 0,
                other.length()), other);
        }
        assertEquals(SipMethod.UNKNOWN, SipMethod.lookup(new byte[16], 3, 0));
    }
}
