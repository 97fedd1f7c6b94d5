package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViaTest
{
    private final Via via = new Via();

    private boolean wrap(final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return via.wrap(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldReadSentByAndParameters()
    {
        assertTrue(wrap("SIP/2.0/TLS proxy.example.com:5061;branch=z9hG4bK776;received=192.0.2.1;maddr=x"));
        assertEquals("TLS", via.transport().toString());
        assertEquals("proxy.example.com", via.host().toString());
        assertEquals(5061, via.port());
        assertEquals("z9hG4bK776", via.branch().toString());
        assertTrue(via.hasRfc3261Branch());
        assertEquals("192.0.2.1", via.received().toString());
        assertFalse(via.hasRport());
        assertEquals(-1, via.rport());
        final AsciiView value = new AsciiView();
        assertTrue(via.param("MADDR", value));
        assertEquals("x", value.toString());
        assertFalse(via.param("ttl", value));
    }

    @Test
    void shouldReadRportWithAndWithoutValue()
    {
        assertTrue(wrap("SIP/2.0/UDP 10.0.0.1;rport;branch=z9hG4bKa"));
        assertTrue(via.hasRport());
        assertEquals(-1, via.rport());
        assertTrue(wrap("SIP/2.0/UDP 10.0.0.1;rport=5062;branch=z9hG4bKa"));
        assertTrue(via.hasRport());
        assertEquals(5062, via.rport());
        assertFalse(wrap("SIP/2.0/UDP 10.0.0.1;rport=abc"));
    }

    @Test
    void shouldKeepBracketsOfAnIpv6SentBy()
    {
        assertTrue(wrap("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bKx"));
        assertEquals("[2001:db8::1]", via.host().toString());
        assertEquals(5070, via.port());
    }

    @Test
    void shouldAllowLinearWhiteSpaceAroundSlashesAndSemicolons()
    {
        assertTrue(wrap("SIP / 2.0 / UDP\r\n host.example.com : 5060 ;\r\n branch = z9hG4bKq"));
        assertEquals("UDP", via.transport().toString());
        assertEquals(5060, via.port());
        assertEquals("z9hG4bKq", via.branch().toString());
    }

    /** "SIP/2.0/" is matched as one word; any other spelling the grammar allows still goes the token way. */
    @Test
    void shouldReadTheProtocolTheSameWhicheverWayItIsWritten()
    {
        for (final String protocol : new String[] {"SIP/2.0/", "sip/2.0/", "SIP/2.0/ ", "SIP/2.0 /", "SIP/3.0/"})
        {
            assertTrue(wrap(protocol + "UDP host:5060;branch=z9hG4bKq"), protocol);
            assertEquals("UDP", via.transport().toString(), protocol);
            assertEquals("host", via.host().toString(), protocol);
        }
        assertFalse(wrap("SIP/2.0/"));
        assertFalse(wrap("SIP/2.0/ "));
        assertFalse(wrap("SIP/2.0/UDP"));
        assertFalse(wrap("SIP/2.0//UDP host"));
        assertFalse(wrap("SIP/2.0/\u00e9 host"));
    }

    /** Known parameters are matched in any case, as a word or, at the very end of the bytes, letter by letter. */
    @Test
    void shouldFindKnownParametersInAnyCaseWhereverTheyEnd()
    {
        assertTrue(wrap("SIP/2.0/UDP h;BRANCH=z9hG4bKa;Received=192.0.2.1;RPort=5062;branchx=1;rpor=2"));
        assertEquals("z9hG4bKa", via.branch().toString());
        assertEquals("192.0.2.1", via.received().toString());
        assertEquals(5062, via.rport());
        assertTrue(wrap("SIP/2.0/UDP h;rport"));
        assertTrue(via.hasRport());
        assertTrue(wrap("SIP/2.0/UDP h;x;Branch"));
        assertTrue(via.branch().isEmpty());
        assertTrue(wrap("SIP/2.0/UDP h;x;received=r"));
        assertEquals("r", via.received().toString());
        assertTrue(wrap("SIP/2.0/UDP h;receive=r;rport;branc=b"));
        assertTrue(via.received().isEmpty());
        assertTrue(via.branch().isEmpty());
    }

    @Test
    void shouldRejectMalformedValues()
    {
        assertFalse(wrap(""));
        assertFalse(wrap("SIP/2.0 host"));
        assertFalse(wrap("SIP/2.0/UDP"));
        assertFalse(wrap("SIP/2.0/UDP host;;"));
        assertFalse(wrap("SIP/2.0/UDP host:99999"));
        assertFalse(wrap("SIP/2.0/UDP host:"));
        assertFalse(wrap("SIP/2.0/UDP [2001:db8:::1]"));
        assertFalse(wrap("SIP/2.0/UDP host junk"));
        assertFalse(wrap("SIP/2.0/UDP host;branch="));
    }
}
