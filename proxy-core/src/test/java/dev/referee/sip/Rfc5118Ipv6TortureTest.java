package dev.referee.sip;

import java.util.List;

import dev.referee.sip.sdp.SessionDescription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 5118 §4: the IPv6 torture messages, outcomes in rfc5118/expected.tsv. */
class Rfc5118Ipv6TortureTest
{
    static List<Corpus.Row> rows()
    {
        return Corpus.expected("rfc5118");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldHaveTheExpectedOutcome(final Corpus.Row row)
    {
        final SipMessage message = Corpus.parse("rfc5118/" + row.file());
        if (row.parsed())
        {
            assertNull(message.errorReason(), row.file());
        }
        else
        {
            assertNotNull(message.errorReason(), row.file());
            assertTrue(message.errorReason().contains(row.reason()), row.file() + ": " + message.errorReason());
            assertTrue(message.canRespond(), row.file());
        }
    }

    @Test
    void shouldHaveAllTwelveMessagesOfSection4()
    {
        assertEquals(12, rows().size());
    }

    @Test
    void shouldKeepBracketsOnIpv6Hosts()
    {
        final SipMessage good = Corpus.parse("rfc5118/ipv6-good.dat");
        assertEquals("[2001:db8::10]", good.requestUriView().host().toString());
        assertEquals("[2001:db8::9:1]", good.topVia().host().toString());
        assertEquals(-1, good.topVia().port());
        assertEquals("[2001:db8::1]", good.contact().uriView().host().toString());
        assertEquals("\"Caller\"", good.contact().displayName().toString());
    }

    @Test
    void shouldTellAPortInsideTheBracketsFromOneOutside()
    {
        final SipUri ambiguous = Corpus.parse("rfc5118/port-ambiguous.dat").requestUriView();
        assertEquals("[2001:db8::10:5070]", ambiguous.host().toString());
        assertEquals(-1, ambiguous.port());
        final SipUri unambiguous = Corpus.parse("rfc5118/port-unambiguous.dat").requestUriView();
        assertEquals("[2001:db8::10]", unambiguous.host().toString());
        assertEquals(5070, unambiguous.port());
    }

    @Test
    void shouldAcceptReceivedWithAndWithoutBrackets()
    {
        assertEquals("[2001:db8::9:255]",
            Corpus.parse("rfc5118/via-received-param-with-delim.dat").topVia().received().toString());
        final Via noDelim = Corpus.parse("rfc5118/via-received-param-no-delim.dat").topVia();
        assertEquals("2001:db8::9:255", noDelim.received().toString());
        assertEquals("z9hG4bKas3", noDelim.branch().toString());
    }

    @Test
    void shouldReadMixedFamiliesInVias()
    {
        final SipMessage message = Corpus.parse("rfc5118/mult-ip-in-header.dat");
        assertEquals(3, message.viaCount());
        assertEquals(6050, message.topVia().port());
        final Via last = new Via();
        final AsciiView value = new AsciiView();
        message.headerValue(message.findHeader(HeaderName.VIA, 2), value);
        assertTrue(last.wrap(value.buffer(), value.offset(), value.length()));
        assertEquals("TCP", last.transport().toString());
        assertEquals("[2001:db8::9:255]", last.host().toString());
        assertEquals("192.0.2.200", last.received().toString());

        final SipMessage mapped = Corpus.parse("rfc5118/ipv4-mapped-ipv6.dat");
        assertEquals("[::ffff:192.0.2.10]", mapped.topVia().host().toString());
        assertEquals(19823, mapped.topVia().port());
    }

    @Test
    void shouldReadIpv6AddressesInSdp()
    {
        final SessionDescription sdp = sdpOf("rfc5118/ipv6-in-sdp.dat");
        assertEquals("2001:db8::20", sdp.originAddress().toString());
        assertEquals("2001:db8::20", sdp.connectionAddress().toString());
        assertEquals(2, sdp.mediaCount());
        assertEquals("2001:db8::20", sdp.mediaConnectionAddress(1).toString());

        final SessionDescription mult = sdpOf("rfc5118/mult-ip-in-sdp.dat");
        assertTrue(mult.connectionAddress().isEmpty());
        assertEquals("192.0.2.1", mult.mediaConnectionAddress(0).toString());
        assertEquals("2001:db8::1", mult.mediaConnectionAddress(1).toString());
        assertEquals(6024, mult.mediaPort(1));

        assertEquals("::ffff:192.0.2.2", sdpOf("rfc5118/ipv4-mapped-ipv6.dat").mediaConnectionAddress(0).toString());
    }

    private static SessionDescription sdpOf(final String resource)
    {
        final UnsafeBuffer buffer = Corpus.buffer(resource);
        final SipMessage message = new SipMessage();
        assertTrue(message.parse(buffer, 0, buffer.capacity()), resource);
        final SessionDescription sdp = new SessionDescription();
        assertTrue(sdp.wrap(buffer, message.bodyOffset(), message.bodyLength()), resource);
        return sdp;
    }
}
