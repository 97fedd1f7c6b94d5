package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.DigestAlgorithm;
import dev.referee.engine.auth.DigestResponse;
import dev.referee.engine.auth.Nonces;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TrunkAuth;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Digest authentication per trunk (issue 7): the carrier trunk (127.0.0.2) has {@code auth}; its new INVITEs and its
 * REFERs are challenged with 407 until they carry good Proxy-Authorization credentials on a fresh nonce. The callee
 * (127.0.0.1) is in no trunk, and a trunk without auth is never challenged.
 */
class TrunkAuthTest
{
    static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5070);
    static final String REALM = "referee.example";
    static final String USER = "carrier";
    static final String PASSWORD = "s3cret";
    private static final Pattern NONCE = Pattern.compile("nonce=\"([0-9a-f]+)\"");
    private static final List<Route> ROUTES = List.of(
        new Route("internal", Pattern.compile("bob"), CALLEE, Transport.UDP),
        new Route("pstn", Pattern.compile("carol"), TARGET, Transport.UDP));

    static TrunkConfig carrier()
    {
        return new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")), TrunkTransferPolicy.defaults(),
            TrunkCallPolicy.defaults(), TrunkHeaderPolicy.defaults(), TrunkAuth.of(REALM, USER, PASSWORD));
    }

    static EngineHarness harness()
    {
        return new EngineHarness(ROUTES, List.of(carrier()));
    }

    /** The Proxy-Authenticate values of a 407, in order. */
    static List<String> challenges(final Sent response)
    {
        final List<String> values = new ArrayList<>();
        final AsciiView view = new AsciiView();
        for (int i = response.message.findHeader(HeaderName.PROXY_AUTHENTICATE, 0); i >= 0;
            i = response.message.findHeader(HeaderName.PROXY_AUTHENTICATE, i + 1))
        {
            values.add(response.message.headerValue(i, view).toString());
        }
        return values;
    }

    static String nonceOf(final Sent challenge)
    {
        final Matcher matcher = NONCE.matcher(challenges(challenge).get(0));
        assertTrue(matcher.find(), challenge::toString);
        return matcher.group(1);
    }

    /** A Proxy-Authorization header line answering {@code nonce} as a UA does, qop=auth. */
    static String credentials(final DigestAlgorithm algorithm, final String password, final String method,
        final String uri, final String nonce)
    {
        final String ha1 = algorithm.ha1(USER, REALM, password);
        final String response = DigestResponse.of(algorithm, ha1, nonce, "00000001", "0a4f113b", "auth", method, uri);
        return "Proxy-Authorization: Digest username=\"" + USER + "\", realm=\"" + REALM + "\", nonce=\"" + nonce +
            "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm.token() +
            ", qop=auth, nc=00000001, cnonce=\"0a4f113b\"\r\n";
    }

    /** The caller's first INVITE to Bob: answers the 407 with its ACK and returns the 407. */
    static Sent challenged(final EngineHarness harness, final SipPhone caller, final String callId)
    {
        harness.receive(CARRIER, caller.invite("bob", callId));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(request("INVITE", CALLEE)), () -> "no INVITE went on: " + out);
        final Sent challenge = out.stream().filter(response(407, CARRIER)).findFirst()
            .orElseThrow(() -> new AssertionError("no 407: " + out));
        harness.receive(CARRIER, caller.ackFailure(challenge));
        assertTrue(harness.drain().isEmpty(), "the ACK of the 407 is absorbed by its transaction");
        return challenge;
    }

    private static long count(final EngineHarness harness, final int counter)
    {
        return harness.counters.trunks().get(0, counter);
    }

    @Test
    void shouldChallengeANewInviteWithSha256ThenMd5OnOneFreshNonce()
    {
        final EngineHarness harness = harness();
        final Sent challenge = challenged(harness, new SipPhone("alice", CARRIER), "auth-1");

        final List<String> values = challenges(challenge);
        assertEquals(2, values.size(), values::toString);
        assertTrue(values.get(0).startsWith("Digest realm=\"" + REALM + "\"") &&
            values.get(0).contains("algorithm=SHA-256") && values.get(0).contains("qop=\"auth\""), values::toString);
        assertTrue(values.get(1).contains("algorithm=MD5") && values.get(1).contains("qop=\"auth\""),
            values::toString);
        assertFalse(values.get(0).contains("stale"), "a first challenge is not stale");
        assertEquals(nonceOf(challenge), NONCE.matcher(values.get(1)).results().findFirst().orElseThrow().group(1));
        assertEquals(0, harness.engine.activeCalls(), "no call state for a challenged INVITE");
        assertEquals(1, count(harness, TrunkCounters.AUTH_CHALLENGED));
        assertEquals(0, count(harness, TrunkCounters.AUTH_FAILED), "no credentials is not a failure");
    }

    @Test
    void shouldPlaceTheCallWhenTheAnswerIsGoodAndKeepTheCredentialsOnTheCallersSide()
    {
        for (final DigestAlgorithm algorithm : DigestAlgorithm.values())
        {
            final EngineHarness harness = harness();
            final SipPhone caller = new SipPhone("alice", CARRIER);
            final String nonce = nonceOf(challenged(harness, caller, "auth-good"));

            harness.receive(CARRIER, caller.inviteAgain(
                credentials(algorithm, PASSWORD, "INVITE", caller.remoteTarget(), nonce)));
            final Sent toBob = harness.expectOne(request("INVITE", CALLEE), algorithm + ": INVITE to Bob");
            assertNull(toBob.header(HeaderName.PROXY_AUTHORIZATION), "the credentials do not cross to the callee");
            assertEquals(1, harness.engine.activeCalls());
            assertEquals(0, count(harness, TrunkCounters.AUTH_FAILED));
        }
    }

    @Test
    void shouldOfferOnlyTheConfiguredAlgorithmsAndRefuseAnAnswerWithAnother()
    {
        final TrunkConfig md5Only = new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")),
            TrunkTransferPolicy.defaults(), TrunkCallPolicy.defaults(), TrunkHeaderPolicy.defaults(),
            TrunkAuth.of(REALM, USER, PASSWORD, List.of(DigestAlgorithm.MD5)));
        final EngineHarness harness = new EngineHarness(ROUTES, List.of(md5Only));
        final SipPhone caller = new SipPhone("alice", CARRIER);
        final Sent challenge = challenged(harness, caller, "auth-md5");
        assertEquals(1, challenges(challenge).size(), challenge::toString);
        assertTrue(challenges(challenge).get(0).contains("algorithm=MD5"), challenge::toString);

        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.SHA_256, PASSWORD, "INVITE", caller.remoteTarget(), nonceOf(challenge))));
        final Sent again = harness.expectOne(response(407, CARRIER), "SHA-256 was not offered: challenged again");
        assertEquals(1, count(harness, TrunkCounters.AUTH_FAILED));
        harness.receive(CARRIER, caller.ackFailure(again));
        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.MD5, PASSWORD, "INVITE", caller.remoteTarget(), nonceOf(again))));
        harness.expectOne(request("INVITE", CALLEE), "the MD5 answer places the call");
    }

    @Test
    void shouldChallengeAgainAndCountAFailureForAWrongPassword()
    {
        final EngineHarness harness = harness();
        final SipPhone caller = new SipPhone("alice", CARRIER);
        final String nonce = nonceOf(challenged(harness, caller, "auth-wrong"));

        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.SHA_256, "guess", "INVITE", caller.remoteTarget(), nonce)));
        final List<Sent> out = harness.drain();
        final Sent again = out.stream().filter(response(407, CARRIER)).findFirst()
            .orElseThrow(() -> new AssertionError("no new 407: " + out));
        assertTrue(out.stream().noneMatch(request("INVITE", CALLEE)), out::toString);
        assertFalse(challenges(again).get(0).contains("stale"), "a wrong answer is not stale");
        assertEquals(0, harness.engine.activeCalls());
        assertEquals(2, count(harness, TrunkCounters.AUTH_CHALLENGED));
        assertEquals(1, count(harness, TrunkCounters.AUTH_FAILED));
    }

    @Test
    void shouldChallengeAReplayedNonceWithStaleTrue()
    {
        final EngineHarness harness = harness();
        final SipPhone caller = new SipPhone("alice", CARRIER);
        final String nonce = nonceOf(challenged(harness, caller, "auth-first"));
        final String answer = credentials(DigestAlgorithm.SHA_256, PASSWORD, "INVITE", caller.remoteTarget(), nonce);
        harness.receive(CARRIER, caller.inviteAgain(answer));
        harness.expectOne(request("INVITE", CALLEE), "the first call placed");

        // Someone who saw that INVITE on the wire sends its credentials again, in a call of its own.
        final SipPhone replayer = new SipPhone("mallory", CARRIER);
        replayer.invite("bob", "auth-replay");
        harness.receive(CARRIER, replayer.inviteAgain(answer));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(request("INVITE", CALLEE)), () -> "the replay placed no call: " + out);
        final Sent challenge = out.stream().filter(response(407, CARRIER)).findFirst()
            .orElseThrow(() -> new AssertionError("no 407 for the replay: " + out));
        assertTrue(challenges(challenge).get(0).contains("stale=true"), challenge::toString);
        assertFalse(nonce.equals(nonceOf(challenge)), "a new nonce");
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldChallengeAnExpiredNonceWithStaleTrueAndAcceptTheNewOne()
    {
        final EngineHarness harness = harness();
        final SipPhone caller = new SipPhone("alice", CARRIER);
        final String nonce = nonceOf(challenged(harness, caller, "auth-expired"));
        harness.advanceMs(TimeUnit.NANOSECONDS.toMillis(Nonces.LIFETIME_NS));
        harness.drain();

        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.SHA_256, PASSWORD, "INVITE", caller.remoteTarget(), nonce)));
        final Sent stale = harness.expectOne(response(407, CARRIER), "a new challenge");
        assertTrue(challenges(stale).get(0).contains("stale=true"), stale::toString);
        assertTrue(challenges(stale).get(1).contains("stale=true"), stale::toString);
        assertEquals(0, count(harness, TrunkCounters.AUTH_FAILED), "the password was right: not a failure");
        harness.receive(CARRIER, caller.ackFailure(stale));

        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.SHA_256, PASSWORD, "INVITE", caller.remoteTarget(), nonceOf(stale))));
        harness.expectOne(request("INVITE", CALLEE), "the call placed on the fresh nonce");
    }

    @Test
    void shouldChallengeAReferInTheDialogAndAcceptItAuthenticated()
    {
        final EngineHarness harness = harness();
        final SipPhone caller = new SipPhone("alice", CARRIER);
        final String nonce = nonceOf(challenged(harness, caller, "auth-refer"));
        harness.receive(CARRIER, caller.inviteAgain(
            credentials(DigestAlgorithm.SHA_256, PASSWORD, "INVITE", caller.remoteTarget(), nonce)));
        final Sent toBob = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        final SipPhone bob = new SipPhone("bob", CALLEE).accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 200, "OK", SipPhone.SDP));
        caller.learn(harness.expectOne(response(200, CARRIER), "200 to the caller"));
        harness.receive(CARRIER, caller.ack());
        harness.drain();

        harness.receive(CARRIER, caller.refer("sip:carol@127.0.0.1", null));
        final Sent challenge = harness.expectOne(response(407, CARRIER), "407 to the REFER");
        assertEquals(caller.remoteTag(), challenge.toTag(), "answered in the dialog");
        assertEquals(2, count(harness, TrunkCounters.AUTH_CHALLENGED));

        harness.receive(CARRIER, caller.refer("sip:carol@127.0.0.1",
            credentials(DigestAlgorithm.MD5, PASSWORD, "REFER", caller.remoteTarget(), nonceOf(challenge))));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(response(202, CARRIER)), () -> "the REFER accepted: " + out);
        assertTrue(out.stream().anyMatch(request("INVITE", TARGET)), () -> "the transfer started: " + out);
    }

    @Test
    void shouldChallengeAnInviteWithReplacesBeforeLookingAtTheDialogItNames()
    {
        final EngineHarness harness = harness();
        final String invite = new SipPhone("mallory", CARRIER).invite("bob", "auth-replaces")
            .replace("Contact:", "Replaces: some-call@elsewhere;to-tag=a;from-tag=b\r\nContact:");
        harness.receive(CARRIER, invite);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(response(407, CARRIER)), () -> "challenged, not 481 or 403: " + out);
        assertEquals(0, harness.counters.trunks().get(0, TrunkCounters.REPLACES_REFUSED));
        assertEquals(1, count(harness, TrunkCounters.AUTH_CHALLENGED));
    }

    @Test
    void shouldNeverChallengeATrunkWithoutAuthNorACancel()
    {
        final TrunkConfig office = new TrunkConfig("office", List.of(Cidr.parse("127.0.0.3/32")),
            TrunkTransferPolicy.defaults());
        final EngineHarness harness = new EngineHarness(ROUTES, List.of(carrier(), office));
        final InetSocketAddress officePhone = new InetSocketAddress("127.0.0.3", 5070);
        harness.receive(officePhone, new SipPhone("olga", officePhone).invite("bob", "office-1"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(request("INVITE", CALLEE)), () -> "placed at once: " + out);
        assertTrue(out.stream().noneMatch(s -> s.isResponse(407)), out::toString);

        final SipPhone caller = new SipPhone("alice", CARRIER);
        challenged(harness, caller, "auth-cancel");
        harness.receive(CARRIER, caller.cancel());
        assertTrue(harness.drain().stream().noneMatch(s -> s.isResponse(407)), "CANCEL is never challenged");
        assertEquals(1, count(harness, TrunkCounters.AUTH_CHALLENGED));
        assertEquals(0, harness.counters.trunks().get(1, TrunkCounters.AUTH_CHALLENGED));
    }
}
