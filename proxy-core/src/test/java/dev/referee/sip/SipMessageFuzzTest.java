package dev.referee.sip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz targets over the SIP parser (Jazzer). Without {@code JAZZER_FUZZ=1} each target runs once per
 * saved input under {@code src/test/resources/dev/referee/sip/SipMessageFuzzTestInputs/<target>/} (the RFC 4475
 * torture messages, the SIPp scenario messages and every finding); {@code benchmarks/scripts/fuzz.sh} runs them
 * as a fuzzer (docs/security.md, "Fuzzing").
 * <p>
 * Each target checks what the rest of Referee relies on, not only that nothing throws: views stay inside the bytes
 * given, a parsed message re-encoded header by header parses to the same fields, and the stateless error response
 * names the same transaction and is not much larger than the request.
 */
class SipMessageFuzzTest
{
    /** Bytes before the message, so that an offset mix-up reads the wrong bytes instead of passing by luck. */
    private static final int LEAD = 7;
    /** Per Via value a 400 may add: "v:" becomes "Via: " and a list comma becomes CRLF. */
    private static final int RESPONSE_GROWTH_PER_VIA = 8;
    /** Status line, To tag, Warning and Content-Length of the stateless error response. */
    private static final int RESPONSE_FIXED_GROWTH = 512;

    private final SipMessage message = new SipMessage();
    private final SipMessage reparsed = new SipMessage();
    private final SipMessageWriter writer = new SipMessageWriter();
    private final AsciiView view = new AsciiView();
    private final AsciiView other = new AsciiView();

    /** Parse, then re-encode header by header and parse again: the same message comes back. */
    @FuzzTest(maxDuration = "30s")
    void parsedMessageReencodesToTheSameFields(final byte[] input)
    {
        final UnsafeBuffer buffer = framed(input);
        final boolean valid = message.parse(buffer, LEAD, input.length);
        checkBounds(message, LEAD, input.length);
        if (!valid)
        {
            assertNotNull(message.errorReason(), "a failed parse says why");
            return;
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * input.length + 64]);
        final int length = reencode(message, out);
        assertTrue(reparsed.parse(out, 0, length), () -> "re-encoded message fails: " + reparsed.errorReason() +
            "\n---\n" + out.getStringWithoutLengthAscii(0, length));
        assertEquals(length, reparsed.length(), "re-encoded message is used whole");
        assertSameFields(message, reparsed);
    }

    /** The 400 Referee sends itself copies Via, From, To, Call-ID and CSeq: it must name the same transaction. */
    @FuzzTest(maxDuration = "30s")
    void statelessErrorResponseNamesTheRequestsTransaction(final byte[] input)
    {
        final UnsafeBuffer buffer = framed(input);
        final boolean valid = message.parse(buffer, LEAD, input.length);
        if (!message.canRespond())
        {
            return;
        }
        final int bound = message.length() + RESPONSE_FIXED_GROWTH + RESPONSE_GROWTH_PER_VIA * message.viaCount();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[bound]);
        final int length = Responses.error(message, 400, "Bad Request", "fuzz", "Referee", writer.wrap(out, 0))
            .length();
        assertTrue(length <= bound, "no amplification");
        final boolean responseValid = reparsed.parse(out, 0, length);
        if (!valid)
        {
            return; // a malformed From or To is copied as it came: the response may not parse either
        }
        assertTrue(responseValid, () -> "400 to a valid request fails to parse: " + reparsed.errorReason() +
            "\n---\n" + out.getStringWithoutLengthAscii(0, length));
        assertEquals(400, reparsed.statusCode());
        assertEquals(message.callId().toString(), reparsed.callId().toString(), "Call-ID");
        assertEquals(message.cseqNumber(), reparsed.cseqNumber(), "CSeq number");
        assertEquals(message.cseqMethodName().toString(), reparsed.cseqMethodName().toString(), "CSeq method");
        assertEquals(message.viaCount(), reparsed.viaCount(), "Via count");
        assertEquals(message.topVia().branch().toString(), reparsed.topVia().branch().toString(), "top Via branch");
        assertEquals(message.from().tag().toString(), reparsed.from().tag().toString(), "From tag");
        assertTrue(!reparsed.to().tag().isEmpty(), "the 400 carries a To tag");
    }

    /** TCP framing by Content-Length agrees with the parser about where the message ends. */
    @FuzzTest(maxDuration = "30s")
    void streamFramingAgreesWithTheParser(final byte[] input)
    {
        final UnsafeBuffer buffer = framed(input);
        final int max = 8192;
        final int skip = StreamFramer.leadingLineBreaks(buffer, LEAD, input.length);
        assertTrue(skip >= 0 && skip <= input.length);
        final int framed = StreamFramer.frame(buffer, LEAD + skip, input.length - skip, max);
        assertTrue(framed == StreamFramer.INCOMPLETE || framed == StreamFramer.MALFORMED ||
            framed > 0 && framed <= Math.min(input.length - skip, max), () -> "frame length " + framed);
        if (framed > 0 && message.parse(buffer, LEAD + skip, framed))
        {
            assertEquals(framed, message.length(), "framer and parser end the message at the same byte");
        }
    }

    static UnsafeBuffer framed(final byte[] input)
    {
        // The buffer ends exactly where the input does: a read past it throws instead of reading a neighbour's bytes.
        final byte[] bytes = new byte[LEAD + input.length];
        System.arraycopy(input, 0, bytes, LEAD, input.length);
        return new UnsafeBuffer(bytes);
    }

    /** Every view lies inside the message; counts within their bounds. */
    private void checkBounds(final SipMessage parsed, final int offset, final int inputLength)
    {
        assertTrue(parsed.length() >= 0 && parsed.length() <= inputLength, "length within the input");
        final int end = offset + parsed.length();
        assertTrue(parsed.headerCount() >= 0 && parsed.headerCount() <= SipMessage.MAX_HEADERS, "header count");
        for (int i = 0; i < parsed.headerCount(); i++)
        {
            assertTrue(parsed.headerId(i) >= 0 && parsed.headerId(i) < HeaderName.COUNT, "header id");
            inside(parsed.headerName(i, view), offset, end, "header name");
            inside(parsed.headerValue(i, view), offset, end, "header value");
        }
        inside(parsed.methodName(), offset, end, "method");
        inside(parsed.requestUri(), offset, end, "Request-URI");
        inside(parsed.reasonPhrase(), offset, end, "reason phrase");
        inside(parsed.callId(), offset, end, "Call-ID");
        inside(parsed.topVia().branch(), offset, end, "branch");
        inside(parsed.from().tag(), offset, end, "From tag");
        inside(parsed.to().tag(), offset, end, "To tag");
        inside(parsed.to().uriView().host(), offset, end, "To host");
        inside(parsed.requestUriView().host(), offset, end, "Request-URI host");
        inside(parsed.contentType(), offset, end, "Content-Type");
        final NameAddr contact = parsed.contact();
        if (contact != null)
        {
            inside(contact.uriView().host(), offset, end, "Contact host");
            contact.param("expires", view);
        }
        parsed.topVia().param("rport", view);
        parsed.requestUriView().header("Replaces", view);
        if (parsed.errorReason() == null)
        {
            assertTrue(parsed.bodyOffset() >= offset && parsed.bodyOffset() + parsed.bodyLength() <= end, "body");
            assertTrue(parsed.cseqNumber() >= 0 && parsed.cseqNumber() < (1L << 31), "CSeq below 2**31");
            assertTrue(parsed.maxForwards() >= -1 && parsed.maxForwards() <= 255, "Max-Forwards");
            assertTrue(parsed.viaCount() > 0, "a valid message has a Via");
            assertTrue(parsed.topVia().port() >= -1 && parsed.topVia().port() <= 65535, "Via port");
        }
    }

    private static void inside(final AsciiView text, final int from, final int to, final String what)
    {
        if (!text.isEmpty())
        {
            assertTrue(text.offset() >= from && text.offset() + text.length() <= to,
                () -> what + " at " + text.offset() + "+" + text.length() + " outside [" + from + ", " + to + ")");
        }
    }

    /** Start line, each indexed header value on a line of its own, the blank line and the body. */
    private int reencode(final SipMessage parsed, final UnsafeBuffer out)
    {
        writer.wrap(out, 0);
        if (parsed.isRequest())
        {
            writer.requestLine(parsed.methodName(), parsed.requestUri());
        }
        else
        {
            writer.statusLine(parsed.statusCode(), parsed.reasonPhrase());
        }
        for (int i = 0; i < parsed.headerCount(); i++)
        {
            writer.header(parsed.headerName(i, view), parsed.headerValue(i, other));
        }
        writer.append("\r\n").append(parsed.buffer(), parsed.bodyOffset(), parsed.bodyLength());
        return writer.length();
    }

    private void assertSameFields(final SipMessage a, final SipMessage b)
    {
        assertEquals(a.isRequest(), b.isRequest(), "request or response");
        assertEquals(a.method(), b.method(), "method");
        assertEquals(a.methodName().toString(), b.methodName().toString(), "method name");
        assertEquals(a.requestUri().toString(), b.requestUri().toString(), "Request-URI");
        assertEquals(a.statusCode(), b.statusCode(), "status code");
        assertEquals(a.reasonPhrase().toString(), b.reasonPhrase().toString(), "reason phrase");
        assertEquals(a.headerCount(), b.headerCount(), "header count");
        for (int i = 0; i < a.headerCount(); i++)
        {
            assertEquals(a.headerId(i), b.headerId(i), "header id " + i);
            assertEquals(a.headerValue(i, view).toString(), b.headerValue(i, other).toString(), "header value " + i);
        }
        assertEquals(a.callId().toString(), b.callId().toString(), "Call-ID");
        assertEquals(a.cseqNumber(), b.cseqNumber(), "CSeq");
        assertEquals(a.cseqMethod(), b.cseqMethod(), "CSeq method");
        assertEquals(a.maxForwards(), b.maxForwards(), "Max-Forwards");
        assertEquals(a.contentType().toString(), b.contentType().toString(), "Content-Type");
        assertEquals(a.viaCount(), b.viaCount(), "Via count");
        assertEquals(a.topVia().host().toString(), b.topVia().host().toString(), "Via host");
        assertEquals(a.topVia().port(), b.topVia().port(), "Via port");
        assertEquals(a.topVia().branch().toString(), b.topVia().branch().toString(), "branch");
        assertEquals(a.from().tag().toString(), b.from().tag().toString(), "From tag");
        assertEquals(a.to().tag().toString(), b.to().tag().toString(), "To tag");
        assertEquals(a.to().uri().toString(), b.to().uri().toString(), "To URI");
        assertEquals(a.contact() == null, b.contact() == null, "Contact present");
        if (a.contact() != null)
        {
            assertEquals(a.contact().uri().toString(), b.contact().uri().toString(), "Contact URI");
        }
        assertEquals(a.bodyLength(), b.bodyLength(), "body length");
        assertEquals(a.buffer().getStringWithoutLengthAscii(a.bodyOffset(), a.bodyLength()),
            b.buffer().getStringWithoutLengthAscii(b.bodyOffset(), b.bodyLength()), "body");
    }
}
