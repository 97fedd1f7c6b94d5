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

    @Test
    void shouldWriteNoErrorResponseThatWouldNotFitItsBuffer()
    {
        // Compact "v:" with many list elements and a long "i:" fits a datagram; copied with every Via spelled out,
        // the 400 would not fit 65,535 bytes (found by SipMessageFuzzTest's error-response invariant).
        final StringBuilder vias = new StringBuilder();
        for (int i = 0; i < 250; i++)
        {
            vias.append(i == 0 ? "" : ",").append("SIP/2.0/UDP h").append(i).append(".example.com;branch=z9hG4bK")
                .append("x".repeat(205)).append(i);
        }
        final String text = "OPTIONS sip:a@example.com SIP/2.0\r\nv: " + vias + "\r\nf: <sip:b@example.com>;tag=1\r\n" +
            "t: <sip:a@example.com>\r\ni: " + "c".repeat(2_000) + "\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertTrue(bytes.length < 65_535, "a datagram: " + bytes.length);
        final SipMessage request = new SipMessage();
        assertTrue(request.parse(new UnsafeBuffer(bytes), 0, bytes.length), request.errorReason());

        final UnsafeBuffer full = new UnsafeBuffer(new byte[65_535]);
        assertEquals(null, Responses.error(request, 400, "Bad Request", "why", "referee", writer.wrap(full, 0)));
        assertEquals(0, writer.length(), "nothing written");

        final SipMessage small = Corpus.parse("rfc4475/transports.dat");
        assertTrue(Responses.error(small, 400, "Bad Request", "why", "referee", writer.wrap(full, 0)) != null);
        assertTrue(Responses.errorSizeBound(small, "Bad Request", "why", "referee") >= writer.length());
    }
}
