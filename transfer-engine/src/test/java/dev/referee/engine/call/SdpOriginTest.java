package dev.referee.engine.call;

import dev.referee.config.AddressSyntax;
import dev.referee.engine.EngineHarness;
import dev.referee.engine.id.IdGenerator;
import dev.referee.engine.id.IdKey;
import dev.referee.engine.media.SdpRewriter;
import dev.referee.sip.SipMessageWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The o= line Referee writes into the SDP it sends on a leg (RFC 3264 §8): its own username, address and session id,
 * the same for the life of the leg, and a version that moves on by one exactly when the description changes.
 */
class SdpOriginTest
{
    private static final IdKey KEY = new IdKey(0x243f6a8885a308d3L, 0x13198a2e03707344L);
    private static final String[][] ADDRESSES = {
        { "IN IP4 10.0.0.1", "IN IP6 fd00::1" },
        { "IN IP4 10.0.0.2", "IN IP6 fd00::2" } };
    private static final String BOB = "v=0\r\no=bob 2890844526 2890844526 IN IP4 192.0.2.7\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8\r\na=sendrecv\r\n";
    private static final String BOB_HOLD = BOB.replace("a=sendrecv", "a=sendonly");
    private static final Pattern ORIGIN = Pattern.compile("\r\no=- (\\d+) (\\d+) (IN IP[46] \\S+)\r\n");

    private final EngineHarness harness = new EngineHarness();
    private final B2bua b2bua = harness.engine.snapshotParts().b2bua();
    private final SdpOrigin origins = new SdpOrigin(IdGenerator.keyed(KEY), ADDRESSES);
    private final Leg leg = new Leg(7, null, b2bua);
    private final Leg other = new Leg(8, null, b2bua);

    @Test
    void shouldPresentTheLegsOwnOriginAndKeepEverythingElse()
    {
        final String sent = send(leg, BOB, "application/sdp", 0, 0);
        final Matcher origin = origin(sent);
        assertEquals("1", origin.group(2), "the first description on the leg");
        assertEquals("IN IP4 10.0.0.1", origin.group(3), "Referee's address toward the leg, as in Via");
        assertEquals(BOB.replace("o=bob 2890844526 2890844526 IN IP4 192.0.2.7", origin.group().trim()), sent,
            "only o= changes: c= and m= still point at the far party's media");
        assertEquals(String.valueOf(IdGenerator.keyed(KEY).sdpSessionId(7)), origin.group(1));
    }

    @Test
    void shouldKeepTheSessionIdForTheLifeOfTheLegWhoeverIsAtTheFarEnd()
    {
        final String first = origin(send(leg, BOB, "application/sdp", 0, 0)).group(1);
        final String carol = BOB.replace("o=bob 2890844526 2890844526 IN IP4 192.0.2.7", "o=carol 53655765 2353687637 IN IP4 198.51.100.3")
            .replace("49170", "6000");
        final Matcher after = origin(send(leg, carol, "application/sdp", 0, 0));
        assertEquals(first, after.group(1));
        assertEquals("2", after.group(2), "a new far party's description is a change");
        assertNotEquals(first, origin(send(other, BOB, "application/sdp", 0, 0)).group(1), "each leg its own session");
    }

    @Test
    void shouldMoveTheVersionOnOnlyWhenTheDescriptionChanges()
    {
        assertEquals("1", origin(send(leg, BOB, "application/sdp", 0, 0)).group(2));
        assertEquals("1", origin(send(leg, BOB, "application/sdp", 0, 0)).group(2), "the same answer again (200 after 183)");
        final String bumpedByFarParty = BOB.replace("2890844526 IN", "2890844527 IN");
        assertEquals("1", origin(send(leg, bumpedByFarParty, "application/sdp", 0, 0)).group(2),
            "only the far party's o= changed: what Referee presents did not");
        assertEquals("2", origin(send(leg, BOB_HOLD, "application/sdp", 0, 0)).group(2), "hold");
        assertEquals("3", origin(send(leg, BOB, "application/sdp", 0, 0)).group(2), "resume");
        assertEquals("1", origin(send(other, BOB_HOLD, "application/sdp", 0, 0)).group(2), "the other leg counts apart");
    }

    @Test
    void shouldUseTheAddressOfTheLegsTransportAndFamily()
    {
        assertEquals("IN IP6 fd00::2", origin(send(leg, BOB, "application/sdp", 1, 1)).group(3));
    }

    @Test
    void shouldTakeParametersAndAnyCaseInTheContentType()
    {
        assertTrue(ORIGIN.matcher(send(leg, BOB, "Application/SDP; charset=utf-8", 0, 0)).find());
    }

    @Test
    void shouldLeaveMalformedAndOtherBodiesAsTheyCameAndCountThem()
    {
        final String noOrigin = BOB.replace("o=bob 2890844526 2890844526 IN IP4 192.0.2.7\r\n", "");
        assertEquals(noOrigin, send(leg, noOrigin, "application/sdp", 0, 0), "no o=: not SDP (RFC 4566 §5)");
        final String truncated = BOB.replace(" IN IP4 192.0.2.7\r\ns=", "\r\ns=");
        assertEquals(truncated, send(leg, truncated, "application/sdp", 0, 0), "an o= without its address");
        assertEquals(2, origins.leftAsIs());
        assertEquals(0, leg.sdpVersion, "a body left as it came does not count as sent by Referee");
        assertEquals(BOB, send(leg, BOB, "multipart/mixed;boundary=x", 0, 0), "multipart goes as it is");
        assertEquals(BOB, send(leg, BOB, "application/sdpx", 0, 0));
        assertEquals(2, origins.leftAsIs(), "other media types are not SDP left as is");
    }

    @Test
    void shouldTakeLfOnlyLinesAndKeepContentLengthRight()
    {
        final String lf = BOB.replace("\r\n", "\n");
        final byte[] bytes = lf.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final SipMessageWriter writer = new SipMessageWriter().wrap(out, 0);
        origins.endWithBody(leg, "application/sdp", new UnsafeBuffer(bytes), 0, bytes.length, writer, 0, 0);
        final String message = out.getStringWithoutLengthAscii(0, writer.length());
        final int blank = message.indexOf("\r\n\r\n");
        final String body = message.substring(blank + 4);
        assertTrue(body.startsWith("v=0\no=- "), body);
        assertTrue(body.contains(" 1 IN IP4 10.0.0.1\ns=-\n"), body);
        assertTrue(message.contains("Content-Length: " + body.length() + "\r\n"), message);
    }

    @Test
    void shouldComposeWithTheMediaRewriterSoThatATransferBehindTheRelayKeepsTheLegsVersion()
    {
        // The order the engine follows with media on: SdpRewriter (c=, m=, a=rtcp, ICE), then SdpOrigin (o=).
        final SdpRewriter media = new SdpRewriter(AddressSyntax.ipLiteral("203.0.113.5"));
        final String toTransferee = relayed(media, leg, BOB, 30000);
        assertEquals("1", origin(toTransferee).group(2));
        assertTrue(toTransferee.contains("\r\nc=IN IP4 203.0.113.5\r\n"), toTransferee);
        assertTrue(toTransferee.contains("\r\nm=audio 30000 RTP/AVP 0 8\r\n"), toTransferee);

        final String carol = BOB.replace("o=bob 2890844526 2890844526 IN IP4 192.0.2.7",
            "o=carol 53655765 2353687637 IN IP4 198.51.100.3").replace("192.0.2.7", "198.51.100.3")
            .replace("49170", "6000");
        final String afterTransfer = relayed(media, leg, carol, 30000);
        assertEquals(toTransferee, afterTransfer,
            "the target's address and port stay behind the relay: the transferee sees the same session, version 1");
        assertEquals("2", origin(relayed(media, leg, carol.replace("RTP/AVP 0 8", "RTP/AVP 8"), 30000)).group(2),
            "a codec change is a change the leg sees");
    }

    private String relayed(final SdpRewriter media, final Leg to, final String body, final int port)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        assertEquals(1, media.read(new UnsafeBuffer(bytes), 0, bytes.length));
        final int length = media.write(new int[] {port});
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final SipMessageWriter writer = new SipMessageWriter().wrap(out, 0);
        origins.endWithBody(to, "application/sdp", media.output(), 0, length, writer, 0, 0);
        final String message = out.getStringWithoutLengthAscii(0, writer.length());
        return message.substring(message.indexOf("\r\n\r\n") + 4);
    }

    private String send(final Leg to, final String body, final String contentType, final int transport,
        final int family)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final SipMessageWriter writer = new SipMessageWriter().wrap(out, 0);
        origins.endWithBody(to, contentType, new UnsafeBuffer(bytes), 0, bytes.length, writer, transport, family);
        final String message = out.getStringWithoutLengthAscii(0, writer.length());
        final String sent = message.substring(message.indexOf("\r\n\r\n") + 4);
        assertTrue(message.contains("Content-Length: " + sent.length() + "\r\n"), message);
        return sent;
    }

    private static Matcher origin(final String sdp)
    {
        final Matcher matcher = ORIGIN.matcher(sdp);
        assertTrue(matcher.find(), sdp);
        return matcher;
    }
}
