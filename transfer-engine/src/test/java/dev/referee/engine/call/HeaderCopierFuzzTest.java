package dev.referee.engine.call;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.ParseErrors;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target over the header values the B2BUA copies from one leg to the other (Jazzer): a valid
 * message received on one leg, relayed through {@link HeaderCopier} behind the headers Referee writes itself, must
 * give a valid message in which Referee's own Via, From, To, Call-ID, CSeq and Max-Forwards are the only ones (no
 * copied value can add or smuggle a header line), the copied values read back unchanged and the body is the same.
 * Seeds: the RFC 4475 and SIPp scenario messages in {@code HeaderCopierFuzzTestInputs}.
 */
class HeaderCopierFuzzTest
{
    /** The headers Referee writes itself, one line each, before the copied ones. */
    private static final int[] OWN = {
        HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.MAX_FORWARDS};
    private static final String[] OWN_VALUES = {
        "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1-0123456789abcdef", "<sip:alice@example.com>;tag=1-0123456789abcdef",
        "<sip:bob@example.com>", "0123456789abcdef0123456789abcdef@referee", "1 INVITE", "69"};

    private final SipMessage received = new SipMessage();
    private final SipMessage relayed = new SipMessage();
    private final SipMessageWriter writer = new SipMessageWriter();
    private final HeaderCopier copier = new HeaderCopier();
    private final AsciiView view = new AsciiView();
    private final AsciiView other = new AsciiView();

    @FuzzTest(maxDuration = "30s")
    void copiedHeadersReadBackUnchangedAndAddNoHeaderLine(final byte[] input)
    {
        if (!received.parse(new UnsafeBuffer(input), 0, input.length) || !received.isRequest())
        {
            return;
        }
        // A 3xx's Contacts are copied too (Redirects); a request's never are. Which one: a bit of the input.
        final boolean contacts = input.length > 0 && (input[input.length - 1] & 1) == 1;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[2 * input.length + 1024]);
        writer.wrap(out, 0).requestLine("INVITE", "sip:bob@example.com");
        for (int i = 0; i < OWN.length; i++)
        {
            writer.header(HeaderName.canonicalName(OWN[i]), OWN_VALUES[i]);
        }
        copier.copy(received, writer, contacts);
        HeaderCopier.endWithBodyOf(received, writer);
        final int length = writer.length();

        final boolean valid = relayed.parse(out, 0, length);
        if (!valid && relayed.errorReason() == ParseErrors.TOO_MANY_HEADERS)
        {
            // Open (docs/security.md, "Fuzzing"): a request with close to SipMessage.MAX_HEADERS values is relayed
            // with Referee's own headers added, past what Referee itself accepts. Everything else must hold.
            assertTrue(received.headerCount() + OWN.length + 2 > SipMessage.MAX_HEADERS, "too many headers");
            return;
        }
        assertTrue(valid, () -> "relayed message fails: " + relayed.errorReason() +
            "\n---\n" + out.getStringWithoutLengthAscii(0, length));
        assertEquals(length, relayed.length(), "the relayed message is used whole");
        for (int i = 0; i < OWN.length; i++)
        {
            final String name = HeaderName.canonicalName(OWN[i]);
            assertEquals(1, count(relayed, OWN[i]), () -> "one " + name);
            assertTrue(relayed.header(OWN[i], view) && view.contentEquals(OWN_VALUES[i]), () -> "Referee's own " + name);
        }
        int copied = OWN.length;
        for (int i = 0; i < received.headerCount(); i++)
        {
            final int id = received.headerId(i);
            if (!passes(id, contacts))
            {
                continue;
            }
            assertEquals(id, relayed.headerId(copied), "copied header " + i);
            assertEquals(received.headerValue(i, view).toString(), relayed.headerValue(copied, other).toString(),
                "copied value " + i);
            copied++;
        }
        final int trailing = (received.bodyLength() > 0 && !received.contentType().isEmpty() ? 1 : 0) + 1;
        assertEquals(copied + trailing, relayed.headerCount(), "no header line besides the copied ones");
        assertEquals(received.bodyLength(), relayed.bodyLength(), "body length");
        assertEquals(received.buffer().getStringWithoutLengthAscii(received.bodyOffset(), received.bodyLength()),
            out.getStringWithoutLengthAscii(relayed.bodyOffset(), relayed.bodyLength()), "body");
    }

    /** What HeaderCopier lets through: everything but the hop-by-hop headers (Contact only for a 3xx). */
    private static boolean passes(final int id, final boolean contacts)
    {
        return switch (id)
        {
            case HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ,
                HeaderName.MAX_FORWARDS, HeaderName.CONTENT_LENGTH, HeaderName.CONTENT_TYPE, HeaderName.ROUTE,
                HeaderName.RECORD_ROUTE, HeaderName.SUPPORTED, HeaderName.REQUIRE, HeaderName.PROXY_REQUIRE,
                HeaderName.RSEQ, HeaderName.RACK, HeaderName.SESSION_EXPIRES, HeaderName.MIN_SE -> false;
            case HeaderName.CONTACT -> contacts;
            default -> true;
        };
    }

    private static int count(final SipMessage message, final int id)
    {
        int count = 0;
        for (int i = message.findHeader(id, 0); i >= 0; i = message.findHeader(id, i + 1))
        {
            count++;
        }
        return count;
    }
}
