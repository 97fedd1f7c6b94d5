package dev.referee.sip;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponsesTest
{
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
    private final SipMessageWriter writer = new SipMessageWriter();

    @Test
    void shouldCopyViasInOrderAndAddTheToTag()
    {
        final SipMessage request = Corpus.parse("rfc4475/transports.dat");
        Responses.start(request, 200, "OK", "t99", writer.wrap(out, 0)).endWithoutBody();
        final SipMessage response = new SipMessage();
        assertTrue(response.parse(out, 0, writer.length()), response.errorReason());
        assertEquals(200, response.statusCode());
        assertEquals(5, response.viaCount());
        assertEquals("t1.example.com", response.topVia().host().toString());
        assertEquals("t99", response.to().tag().toString());
        assertEquals(request.callId().toString(), response.callId().toString());
        assertEquals(SipMethod.OPTIONS, response.method());
        assertEquals(60, response.cseqNumber());
    }

    @Test
    void shouldNotReplaceAnExistingToTag()
    {
        final SipMessage request = Corpus.parse("rfc4475/lwsruri.dat");
        Responses.start(request, 200, "OK", "mine", writer.wrap(out, 0)).endWithoutBody();
        final SipMessage response = new SipMessage();
        response.parse(out, 0, writer.length());
        assertEquals("3xfe-9921883-z9f", response.to().tag().toString());
    }

    @Test
    void shouldAnswerARequestThatFailedToParseWith400AndWarning()
    {
        final SipMessage request = Corpus.parse("rfc4475/mismatch01.dat");
        assertFalse(request.errorReason() == null);
        assertTrue(request.canRespond());
        Responses.error(request, 400, "Bad Request", request.errorReason(), "referee.example.net", writer.wrap(out, 0));
        final String text = new String(out.byteArray(), 0, writer.length(), StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("SIP/2.0 400 Bad Request\r\n"), text);
        assertTrue(text.contains("Warning: 399 referee.example.net \"CSeq method does not match request method\"\r\n"),
            text);
        assertTrue(text.endsWith("Content-Length: 0\r\n\r\n"), text);

        final SipMessage response = new SipMessage();
        assertTrue(response.parse(out, 0, writer.length()), response.errorReason());
        assertEquals(400, response.statusCode());
        assertEquals("z9hG4bKkdjuw", response.topVia().branch().toString());
        assertEquals("mismatch01.dj0234sxdfl3", response.callId().toString());
        assertEquals(8, response.to().tag().length());
    }

    @Test
    void shouldMakeTheSameLocalTagForTheSameRequest()
    {
        final SipMessage request = Corpus.parse("rfc4475/mcl01.dat");
        Responses.error(request, 400, "Bad Request", "", "r", writer.wrap(out, 0));
        final String first = new String(out.byteArray(), 0, writer.length(), StandardCharsets.US_ASCII);
        Responses.error(Corpus.parse("rfc4475/mcl01.dat"), 400, "Bad Request", "", "r", writer.wrap(out, 0));
        final String second = new String(out.byteArray(), 0, writer.length(), StandardCharsets.US_ASCII);
        assertEquals(first, second);
        assertFalse(first.contains("Warning"));
    }

    @Test
    void shouldCopyAnUnreadableToWithoutAddingATag()
    {
        final SipMessage request = Corpus.parse("rfc4475/quotbal.dat");
        assertTrue(request.canRespond());
        Responses.error(request, 400, "Bad Request", "Malformed To", "r", writer.wrap(out, 0));
        final String text = new String(out.byteArray(), 0, writer.length(), StandardCharsets.US_ASCII);
        assertTrue(text.contains("\r\nTo: \"Mr. J. User <sip:j.user@example.com>\r\n"), text);
    }
}
