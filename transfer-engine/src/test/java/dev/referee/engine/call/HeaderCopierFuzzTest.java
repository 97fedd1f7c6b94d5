package dev.referee.engine.call;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.engine.config.TrunkHeaderPolicy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

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
    /** Both sides trusted, so the identity headers cross too; the sender passes two names beyond the allow-list. */
    private static final TrunkHeaderRules TRUSTED_PASSING =
        new TrunkHeaderRules(new TrunkHeaderPolicy(true, List.of("warning", "diversion")));

    private final HeaderCopier copier = new HeaderCopier(List.of());
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
        copier.copy(received, writer, contacts, TRUSTED_PASSING, TRUSTED_PASSING);
        HeaderCopier.endWithBodyOf(received, writer);
        final int length = writer.length();

        // At most HeaderCopier.MAX_COPIED values are copied, so Referee's own headers never push a relayed message past
        // what a parser accepts (the finding "relayed past max headers" of docs/security.md, "Fuzzing").
        final boolean valid = relayed.parse(out, 0, length);
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
            if (!passes(id, received.headerName(i, view), contacts) || copied == OWN.length + HeaderCopier.MAX_COPIED)
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

    /**
     * What HeaderCopier lets through between two trusted trunks whose sender passes Warning and Diversion: the
     * allow-list of docs/security.md, those two, P-Asserted-Identity and Privacy, and Contact only for a 3xx. Written
     * out again here, not read from the copier's tables, so that a change to either shows.
     */
    private static boolean passes(final int id, final AsciiView name, final boolean contacts)
    {
        return switch (id)
        {
            case HeaderName.CONTENT_ENCODING, HeaderName.CONTENT_DISPOSITION, HeaderName.CONTENT_LANGUAGE,
                HeaderName.MIME_VERSION, HeaderName.ACCEPT, HeaderName.ACCEPT_ENCODING, HeaderName.ACCEPT_LANGUAGE,
                HeaderName.ALLOW, HeaderName.ALLOW_EVENTS, HeaderName.EVENT, HeaderName.SUBSCRIPTION_STATE,
                HeaderName.EXPIRES, HeaderName.MIN_EXPIRES, HeaderName.SUBJECT, HeaderName.PRIORITY,
                HeaderName.ORGANIZATION, HeaderName.DATE, HeaderName.CALL_INFO, HeaderName.ALERT_INFO,
                HeaderName.IN_REPLY_TO, HeaderName.REPLY_TO, HeaderName.ERROR_INFO, HeaderName.RETRY_AFTER,
                HeaderName.REASON, HeaderName.REFER_TO, HeaderName.REFERRED_BY, HeaderName.REFER_SUB,
                HeaderName.WARNING, HeaderName.P_ASSERTED_IDENTITY, HeaderName.PRIVACY -> true;
            case HeaderName.CONTACT -> contacts;
            case HeaderName.OTHER -> name.equalsIgnoreCase("Diversion");
            default -> false;
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
