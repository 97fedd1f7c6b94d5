package dev.referee.sip;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipMessageTest
{
    private static final String HEAD =
        "BYE sip:bob@192.0.2.4 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnashds7\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:alice@example.com>;tag=1928301774\r\n" +
        "To: <sip:bob@example.com>;tag=a6c85cf\r\n" +
        "Call-ID: a84b4c76e66710\r\n" +
        "CSeq: 231 BYE\r\n";

    private final SipMessage message = new SipMessage();

    private boolean parse(final String text)
    {
        final UnsafeBuffer buffer = Corpus.text(text);
        return message.parse(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldTreatAMissingContentLengthOnADatagramAsZero()
    {
        assertTrue(parse(HEAD + "\r\nextra"));
        assertEquals(0, message.contentLength());
        assertEquals(HEAD.length() + 2, message.length());
        assertNull(message.errorReason());
    }

    /** The Via and Contact checks stop at the last value of their header: values after other headers still count. */
    @Test
    void shouldCheckEveryViaAndContactWhereverTheyStand()
    {
        final String contacts = "Contact: <sip:alice@192.0.2.1>\r\nSubject: x\r\nContact: <sip:alice@192.0.2.2>\r\n";
        assertTrue(parse(HEAD + contacts + "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKlast\r\n\r\n"));
        assertEquals(2, message.viaCount());
        assertEquals("z9hG4bKnashds7", message.topVia().branch().toString());
        assertEquals("192.0.2.1", message.contact().uriView().host().toString());
        assertFalse(parse(HEAD + contacts + "Via: SIP/2.0/UDP 192.0.2.9:99999;branch=z9hG4bKbad\r\nSubject: y\r\n\r\n"));
        assertEquals("Malformed Via header", message.errorReason());
        assertEquals("z9hG4bKnashds7", message.topVia().branch().toString());
        assertFalse(parse(HEAD + contacts.replace("alice@192.0.2.2>", "alice@192.0.2.2") + "\r\n"));
        assertEquals(ParseErrors.MALFORMED_CONTACT, message.errorReason());
        assertTrue(parse(HEAD + "Contact: *\r\nSubject: x\r\nContact: <sip:a@192.0.2.3>\r\n\r\n"));
        assertNull(message.contact(), "the first Contact is the '*', not read as a name-addr");
    }

    /** "SIP/2.0" is compared as one word, or byte by byte where it ends the array: the same either way. */
    @Test
    void shouldReadTheVersionTheSameAtTheEndOfTheArray()
    {
        // Without a line end the reason is the missing blank line; the Request-URI view shows whether the version
        // compared equal (it is wrapped only after the version).
        assertFalse(parse("OPTIONS sip:a@example.com SIP/2.0"));
        assertEquals(ParseErrors.NO_END_OF_HEADERS, message.errorReason());
        assertEquals("sip:a@example.com", message.requestUri().toString());
        assertEquals("example.com", message.requestUriView().host().toString());
        assertFalse(parse("OPTIONS sip:a@example.com SIP/2.1"));
        assertTrue(message.requestUriView().host().isEmpty());
        assertFalse(parse("OPTIONS sip:a@example.com sip/2.0"));
        assertTrue(message.requestUriView().host().isEmpty());
        assertFalse(parse("SIP/2.0 180 Ringing"));
        assertEquals(180, message.statusCode());
        assertFalse(parse("SIP/2.1 180 Ringing"));
        assertEquals(0, message.statusCode());
        assertFalse(parse("OPTIONS sip:a@example.com SIP/2.1\r\n"));
        assertEquals(ParseErrors.UNSUPPORTED_VERSION, message.errorReason());
        assertFalse(parse("OPTIONS sip:a@example.com sip/2.0\r\n"));
        assertEquals(ParseErrors.MALFORMED_REQUEST_LINE, message.errorReason());
        assertFalse(parse("SIP/2.1 180 Ringing\r\n"));
        assertEquals(ParseErrors.UNSUPPORTED_VERSION, message.errorReason());
        assertTrue(parse(HEAD + "\r\n"));
        assertFalse(parse(HEAD.replace("bob@192.0.2.4 SIP/2.0", "bob@192.0.2.4 SIP/2.1") + "\r\n"));
        assertEquals(ParseErrors.UNSUPPORTED_VERSION, message.errorReason());
    }

    @Test
    void shouldRejectNegativeContentLength()
    {
        assertFalse(parse(HEAD + "Content-Length: -1\r\n\r\n"));
        assertTrue(message.errorReason().contains("Content-Length"));
        assertTrue(message.canRespond());
    }

    @Test
    void shouldRejectContentLengthLargerThanTheDatagram()
    {
        assertFalse(parse(HEAD + "Content-Length: 6\r\n\r\nhello"));
        assertEquals("Content-Length larger than message", message.errorReason());
    }

    @Test
    void shouldRejectMaxForwardsAbove255ButAcceptZero()
    {
        assertFalse(parse(HEAD.replace("Max-Forwards: 70", "Max-Forwards: 256") + "\r\n"));
        assertTrue(parse(HEAD.replace("Max-Forwards: 70", "Max-Forwards: 0") + "\r\n"));
        assertEquals(0, message.maxForwards());
        assertTrue(parse(HEAD.replace("Max-Forwards: 70\r\n", "") + "\r\n"));
        assertEquals(-1, message.maxForwards());
    }

    @Test
    void shouldRejectCSeqNumbersOf2To31()
    {
        assertTrue(parse(HEAD.replace("CSeq: 231", "CSeq: 2147483647") + "\r\n"));
        assertEquals(2147483647L, message.cseqNumber());
        assertFalse(parse(HEAD.replace("CSeq: 231", "CSeq: 2147483648") + "\r\n"));
        assertEquals("Malformed CSeq header", message.errorReason());
    }

    @Test
    void shouldRejectStatusCodesOutside100To699()
    {
        final String response = HEAD.replace("BYE sip:bob@192.0.2.4 SIP/2.0", "SIP/2.0 200 OK") + "\r\n";
        assertTrue(parse(response));
        assertEquals(200, message.statusCode());
        assertEquals("OK", message.reasonPhrase().toString());
        assertFalse(message.isRequest());
        assertEquals(SipMethod.BYE, message.method());
        assertFalse(parse(response.replace("200 OK", "099 Odd")));
        assertFalse(parse(response.replace("200 OK", "700 Odd")));
        assertFalse(parse(response.replace("200 OK", "2000 Odd")));
        assertFalse(message.canRespond());
    }

    @Test
    void shouldRequireTheMandatoryHeaders()
    {
        for (final String header : new String[] {"Via", "From", "To", "Call-ID", "CSeq"})
        {
            final int start = HEAD.indexOf("\r\n" + header + ":") + 2;
            final String without = HEAD.substring(0, start) + HEAD.substring(HEAD.indexOf("\r\n", start) + 2);
            assertFalse(parse(without + "\r\n"), header);
            assertEquals("Missing " + header + " header", message.errorReason());
            assertFalse(message.canRespond(), header);
        }
    }

    @Test
    void shouldSplitListHeadersAtTopLevelCommasOnly()
    {
        assertTrue(parse(HEAD +
            "Route: <sip:p1.example.com;lr>, \"a,b\" <sip:p2.example.com;lr>,<sip:p3.example.com;x=\"1,2\">\r\n" +
            "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n" +
            "Subject: one, two\r\n\r\n"));
        final AsciiView value = new AsciiView();
        int routes = 0;
        for (int i = message.findHeader(HeaderName.ROUTE, 0); i >= 0; i = message.findHeader(HeaderName.ROUTE, i + 1))
        {
            routes++;
        }
        assertEquals(3, routes);
        message.headerValue(message.findHeader(HeaderName.ROUTE, 0) + 1, value);
        assertEquals("\"a,b\" <sip:p2.example.com;lr>", value.toString());
        assertTrue(message.header(HeaderName.DATE, value));
        assertEquals("Sat, 13 Nov 2010 23:29:00 GMT", value.toString());
        assertTrue(message.header(HeaderName.SUBJECT, value));
        assertEquals("one, two", value.toString());
        assertFalse(message.header(HeaderName.REFER_TO, value));
        assertTrue(value.isEmpty());
    }

    @Test
    void shouldUnfoldContinuationLinesIntoOneValue()
    {
        assertTrue(parse(HEAD + "Subject: first\r\n\tsecond\r\n\r\n"));
        final AsciiView value = new AsciiView();
        assertTrue(message.header(HeaderName.SUBJECT, value));
        assertEquals("first\r\n\tsecond", value.toString());
        final AsciiView name = new AsciiView();
        message.headerName(message.findHeader(HeaderName.SUBJECT, 0), name);
        assertEquals("Subject", name.toString());
    }

    @Test
    void shouldRejectTooManyHeaders()
    {
        final StringBuilder text = new StringBuilder(HEAD);
        for (int i = 0; i < SipMessage.MAX_HEADERS; i++)
        {
            text.append("X-H: ").append(i).append("\r\n");
        }
        assertFalse(parse(text.append("\r\n").toString()));
        assertEquals("Too many headers", message.errorReason());
    }

    @Test
    void shouldNeverAnswerAnAck()
    {
        assertFalse(parse(HEAD.replace("BYE", "ACK").replace("CSeq: 231 ACK", "CSeq: 231 INVITE") + "\r\n"));
        assertFalse(message.canRespond());
    }

    @Test
    void shouldRejectTruncatedHeaders()
    {
        assertFalse(parse(HEAD));
        assertEquals("Missing blank line after headers", message.errorReason());
        assertFalse(parse(""));
        assertFalse(parse("\r\n\r\n"));
    }

    @Test
    void shouldParseAtAnOffsetAndResetBetweenMessages()
    {
        final String text = "garbage" + HEAD + "Contact: *\r\n\r\n";
        final UnsafeBuffer buffer = Corpus.text(text);
        assertTrue(message.parse(buffer, 7, text.length() - 7));
        assertEquals(7, message.offset());
        assertEquals(text.length() - 7, message.length());
        assertEquals(null, message.contact());
        assertTrue(parse("INVITE sip:x@y SIP/2.0\r\nv: SIP/2.0/UDP h\r\nf: <sip:a@b>;tag=1\r\nt: sip:x@y\r\n" +
            "i: z\r\nCSeq: 1 INVITE\r\nm: <sip:a@h>\r\n\r\n"));
        assertEquals("sip:a@h", message.contact().uri().toString());
        assertEquals(-1, message.maxForwards());
    }
}
