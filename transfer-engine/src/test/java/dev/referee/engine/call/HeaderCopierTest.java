package dev.referee.engine.call;

import dev.referee.config.Cidr;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkDirectory;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import org.agrona.concurrent.UnsafeBuffer;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What crosses from one leg to the other (issue 7, docs/security.md "What crosses"): the allow-list, compact forms
 * read as their long names, a trunk's {@code pass-headers}, and P-Asserted-Identity and Privacy only between trusted
 * trunks. Each test relays one request and reads the header lines of the result.
 */
class HeaderCopierTest
{
    private static final TrunkConfig UNTRUSTED = trunk("carrier", false, List.of());
    private static final TrunkConfig TRUSTED = trunk("pbx", true, List.of());
    private static final TrunkConfig PASSING =
        trunk("legacy", false, List.of("diversion", "history-info", "x-account", "warning", "accept-contact"));
    private static final TrunkConfig PASSING_OWN =
        trunk("greedy", false, List.of("user-agent", "via", "record-route", "supported", "p-asserted-identity"));

    private final HeaderCopier copier = new HeaderCopier(List.of(UNTRUSTED, TRUSTED, PASSING, PASSING_OWN));

    @Test
    void shouldPassTheAllowListAndKeepEverythingElseOnItsSide()
    {
        final List<String> relayed = relay(UNTRUSTED, UNTRUSTED,
            "Subject: lunch",
            "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
            "Alert-Info: <http://www.example.com/sounds/moo.wav>",
            "Allow: INVITE, ACK, BYE",
            "Accept: application/sdp",
            "Content-Disposition: session",
            "Diversion: <sip:+15551234@carrier.example>;reason=unconditional",
            "History-Info: <sip:bob@internal.example>;index=1",
            "Warning: 399 sbc.internal.example \"internal\"",
            "Authorization: Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:bob@x\", response=\"0\"",
            "Proxy-Authorization: Digest username=\"alice\"",
            "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"",
            "Proxy-Authenticate: Digest realm=\"r\", nonce=\"n\"",
            "User-Agent: Softphone 1.0",
            "Server: Carrier SBC 9",
            "Record-Route: <sip:10.0.0.1;lr>",
            "P-Charging-Vector: icid-value=1234",
            "P-Foo: bar",
            "X-Internal-Id: 42",
            "Timestamp: 54",
            "Supported: 100rel, timer",
            "Require: 100rel",
            "Session-Expires: 1800",
            "Organization: Example");
        assertEquals(List.of(
            "Subject: lunch",
            "Reason: Q.850;cause=16;text=\"Normal call clearing\"",
            "Alert-Info: <http://www.example.com/sounds/moo.wav>",
            "Allow: INVITE", "Allow: ACK", "Allow: BYE",
            "Accept: application/sdp",
            "Content-Disposition: session",
            "Organization: Example"), relayed);
    }

    @Test
    void shouldReadCompactFormsAsTheirLongNames()
    {
        final List<String> relayed = relay(UNTRUSTED, UNTRUSTED,
            "s: lunch", "e: gzip", "k: 100rel", "x: 1800", "a: *;audio", "j: *;video", "d: no-fork", "y: sig",
            "n: <https://cert.example>", "r: <sip:carol@example.com>", "b: <sip:alice@example.com>", "o: dialog",
            "u: dialog");
        assertEquals(List.of("Subject: lunch", "Content-Encoding: gzip", "Refer-To: <sip:carol@example.com>",
            "Referred-By: <sip:alice@example.com>", "Event: dialog", "Allow-Events: dialog"), relayed);
    }

    @Test
    void shouldPassWhatTheSendingTrunkListsInAnyCaseAndInAnyForm()
    {
        final String[] headers = {
            "DIVERSION: <sip:+15551234@carrier.example>", "history-INFO: <sip:bob@internal.example>;index=1",
            "X-Account: 7", "x-account: 8", "Warning: 399 carrier \"busy here\"", "a: *;audio", "X-Other: 9"};
        assertEquals(List.of(
            "DIVERSION: <sip:+15551234@carrier.example>", "history-INFO: <sip:bob@internal.example>;index=1",
            "X-Account: 7", "x-account: 8", "Warning: 399 carrier \"busy here\"", "Accept-Contact: *;audio"),
            relay(PASSING, UNTRUSTED, headers));
        assertEquals(List.of(), relay(UNTRUSTED, PASSING, headers),
            "the sending leg's trunk decides, not the receiving one's");
    }

    @Test
    void shouldNeverPassRefereesOwnHeadersOrIdentityThroughPassHeaders()
    {
        assertEquals(List.of(), relay(PASSING_OWN, TRUSTED,
            "User-Agent: Softphone 1.0", "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx", "Record-Route: <sip:10.0.0.1;lr>",
            "k: 100rel", "P-Asserted-Identity: <sip:+15550000@pbx.example>"));
    }

    @Test
    void shouldPassAssertedIdentityAndPrivacyOnlyBetweenTrustedTrunks()
    {
        final String[] identity = {"P-Asserted-Identity: \"Alice\" <sip:+15551111@pbx.example>",
            "p-asserted-identity: <tel:+15551111>", "Privacy: id", "P-Preferred-Identity: <sip:boss@pbx.example>"};
        assertEquals(List.of("P-Asserted-Identity: \"Alice\" <sip:+15551111@pbx.example>",
            "P-Asserted-Identity: <tel:+15551111>", "Privacy: id"), relay(TRUSTED, TRUSTED, identity),
            "trusted to trusted: the asserted identity and its privacy cross; a preferred one is not Referee's to "
                + "assert");
        assertEquals(List.of(), relay(UNTRUSTED, TRUSTED, identity), "not believed from an untrusted trunk");
        assertEquals(List.of(), relay(TRUSTED, UNTRUSTED, identity), "not given away to an untrusted trunk");
        assertEquals(List.of(), relay(TRUSTED, TrunkDirectory.DEFAULT, identity), "nor to a peer in no trunk");
    }

    @Test
    void shouldCopyAtMostHalfOfWhatAMessageMayHoldAndCountTheRest()
    {
        final String[] many = new String[200];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = "Subject: " + i;
        }
        final List<String> relayed = relay(UNTRUSTED, UNTRUSTED, many);
        assertEquals(HeaderCopier.MAX_COPIED, relayed.size());
        assertEquals("Subject: " + (HeaderCopier.MAX_COPIED - 1), relayed.get(relayed.size() - 1));
        assertEquals(200 - HeaderCopier.MAX_COPIED, copier.leftBehind());
    }

    /** Relays an INVITE with {@code headers} from a leg of {@code sender} to one of {@code receiver}: lines copied. */
    private List<String> relay(final TrunkConfig sender, final TrunkConfig receiver, final String... headers)
    {
        final StringBuilder text = new StringBuilder("INVITE sip:bob@example.com SIP/2.0\r\n")
            .append("Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK-1\r\n")
            .append("From: <sip:alice@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\n")
            .append("Call-ID: c1@example.com\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n")
            .append("Contact: <sip:alice@127.0.0.2>\r\n");
        for (final String header : headers)
        {
            text.append(header).append("\r\n");
        }
        final byte[] bytes = text.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        final SipMessage received = new SipMessage();
        assertTrue(received.parse(new UnsafeBuffer(bytes), 0, bytes.length), received::errorReason);

        final UnsafeBuffer out = new UnsafeBuffer(new byte[65_536]);
        final SipMessageWriter writer = new SipMessageWriter().wrap(out, 0);
        writer.requestLine("INVITE", "sip:bob@127.0.0.3");
        copier.copy(received, writer, false, sender, receiver);
        writer.endWithoutBody();
        final String relayed = out.getStringWithoutLengthAscii(0, writer.length());
        final List<String> lines = new ArrayList<>(List.of(relayed.split("\r\n")));
        assertEquals("Content-Length: 0", lines.get(lines.size() - 1));
        return lines.subList(1, lines.size() - 1);
    }

    private static TrunkConfig trunk(final String name, final boolean trusted, final List<String> passHeaders)
    {
        return new TrunkConfig(name, List.of(Cidr.parse("127.0.0.2/32")), TrunkTransferPolicy.defaults(),
            TrunkCallPolicy.defaults(), new TrunkHeaderPolicy(trusted, passHeaders));
    }
}
