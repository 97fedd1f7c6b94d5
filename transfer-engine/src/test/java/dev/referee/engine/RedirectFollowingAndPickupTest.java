package dev.referee.engine;

import dev.referee.engine.config.Route;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectFollowingAndPickupTest
{
    private static final InetSocketAddress PICKER = new InetSocketAddress("127.0.0.1", 5080);
    private static final InetSocketAddress OTHER = new InetSocketAddress("127.0.0.1", 5066);
    private static final String SDP_DAVE = SipPhone.SDP.replace("m=audio 4000", "m=audio 7000");

    /** The routes of every harness, and one to the redirect target x (a Contact is followed only through routes). */
    private final EngineHarness harness = new EngineHarness(withRouteToOther(), List.of());
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);
    private final SipPhone dave = new SipPhone("dave", PICKER);

    private static List<Route> withRouteToOther()
    {
        final List<Route> routes = new ArrayList<>(EngineHarness.routes());
        routes.add(new Route(Pattern.compile("x"), OTHER, Transport.UDP));
        return routes;
    }

    @Test
    void shouldFollowAContactOnlyThroughRoutes()
    {
        final Sent invite = inviteToBob();
        // 10.9.9.9 is no route's target and "mallory" no route's user; the last one is Referee itself.
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null).replace("Content-Length: 0",
            "Contact: <sip:mallory@10.9.9.9:5060>;q=0.9, <sip:carol@127.0.0.1:5060>;q=0.8\r\nContent-Length: 0"));
        final List<Sent> out = harness.drain();
        final Sent toCarol = out.stream().filter(s -> s.isRequest("INVITE")).findFirst()
            .orElseThrow(() -> new AssertionError(out.toString()));
        assertEquals(TARGET, toCarol.destination,
            "an unrouted address is skipped; carol@Referee is routed by its user, never sent to Referee itself");
        assertTrue(out.stream().noneMatch(s -> s.destination.getAddress().getHostAddress().equals("10.9.9.9")));
    }

    private Sent inviteToBob()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        return invite;
    }

    @Test
    void shouldFollowARedirectWithoutTheCallerSeeingIt()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null).replace("Content-Length: 0",
            "Contact: <sip:x@127.0.0.1:5066>;q=0.5, <sip:carol@127.0.0.1:5064>;q=0.9\r\nContent-Length: 0"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(CALLER)), "the caller sees no 302: " + out);
        final Sent toCarol = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, toCarol.destination, "the higher q first");
        assertEquals(SipPhone.media(SipPhone.SDP), toCarol.media(), "the caller's offer again");
        assertTrue(toCarol.firstLine().startsWith("INVITE sip:carol@127.0.0.1:5064 "));

        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 486, "Busy Here", null));
        final Sent toOther = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(OTHER, toOther.destination, "then the next Contact");
        final SipPhone other = new SipPhone("x", OTHER).accept(toOther);
        harness.receive(OTHER, other.answer(toOther, 200, "OK", SDP_DAVE));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 from the redirect target");
        assertEquals(SipPhone.media(SDP_DAVE), ok.media());
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", OTHER), "ACK to the redirect target");
    }

    @Test
    void shouldRelayTheLastFailureWhenNoRedirectTargetAnswers()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null).replace("Content-Length: 0",
            "Contact: <sip:carol@127.0.0.1:5064>\r\nContent-Length: 0"));
        final Sent toCarol = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 404, "Not Found", null));
        final Sent failure = harness.drain().stream().filter(s -> s.destination.equals(CALLER)).findFirst()
            .orElseThrow();
        assertEquals(404, failure.status());
        assertEquals(0, harness.engine.activeCalls());
    }

    @Test
    void shouldLetAThirdPhonePickUpARingingCall()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.drain();
        // Dave names Bob's ringing dialog as Bob has it: Referee's Call-ID, Bob's tag as to-tag, Referee's as from-tag.
        final String replaces = "Replaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            "\r\n";
        harness.receive(PICKER, dave.invite("bob", "pickup@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\n" + replaces).replace(SipPhone.SDP, SDP_DAVE)
            .replace("Content-Length: " + SipPhone.SDP.length(), "Content-Length: " + SDP_DAVE.length()));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("CANCEL") && s.destination.equals(CALLEE)), out::toString);
        final Sent toAlice = out.stream().filter(s -> s.isResponse(200) && s.destination.equals(CALLER))
            .findFirst().orElseThrow();
        assertEquals(SipPhone.media(SDP_DAVE), toAlice.media());
        final Sent toDave = out.stream().filter(s -> s.isResponse(200) && s.destination.equals(PICKER))
            .findFirst().orElseThrow();
        assertEquals(SipPhone.media(SipPhone.SDP), toDave.media());
        alice.learn(toAlice);
        dave.learn(toDave);
        harness.receive(CALLER, alice.ack());
        harness.receive(PICKER, dave.ack());
        // Alice and Dave talk: Dave's BYE reaches Alice.
        harness.receive(PICKER, dave.bye());
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("BYE") && s.destination.equals(CALLER)));
        assertTrue(harness.events.contains("leg-added 1 pickup"), "the journal names Dave's leg: " + harness.events);
    }

    @Test
    void shouldLetAThirdPhoneTakeOverAnAnsweredCall()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        final String replaces = "Replaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            "\r\n";
        harness.receive(PICKER, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\n" + replaces));
        final List<Sent> out = harness.drain();
        final Sent reinvite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(CALLER, reinvite.destination, "Alice gets Dave's offer");
        assertTrue(out.stream().anyMatch(s -> s.isRequest("BYE") && s.destination.equals(CALLEE)),
            "Bob's replaced leg is released: " + out);
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.drain().stream().filter(s -> s.isResponse(200) && s.destination.equals(PICKER))
            .findFirst().orElseThrow();
        assertEquals(SipPhone.media(SipPhone.SDP), ok.media());
        assertTrue(ok.header(HeaderName.CONTACT).contains("referee@"));
    }

    /** Engine fuzz finding: a takeover the far end never answered left the picker's INVITE unanswered for good. */
    @Test
    void shouldAnswer408ToATakeoverThePeerNeverAnswersAndEndThatCall()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(PICKER, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            "\r\n"));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));
        harness.advanceMs(33_000, 100); // Alice never answers the re-INVITE: Timer B
        final List<Sent> after = harness.drain();
        assertTrue(after.stream().anyMatch(s -> s.isResponse(408) && s.destination.equals(PICKER)),
            "Dave's INVITE is answered: " + after);
        final Sent bye = after.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLER)).findFirst()
            .orElseThrow(() -> new AssertionError("Alice is hung up: " + after));
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * Engine fuzz finding (2026-12-04, after 474,893 inputs): the peer of a takeover hung up before answering the
     * takeover's re-INVITE; the call ended and the picker's INVITE stayed unanswered, its server transaction held for
     * good. It gets 487 (RFC 3261 §15.1.2: a request pending in a dialog that ends), and nothing is left.
     */
    @Test
    void shouldAnswer487ToATakeoverWhoseCallEndsBeforeThePeerAnswers()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(PICKER, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            "\r\n"));
        final List<Sent> out = harness.drain();
        final Sent takeover = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(CALLER))
            .findFirst().orElseThrow(() -> new AssertionError("Alice is re-INVITEd: " + out));
        out.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));

        harness.receive(CALLER, alice.bye());
        final List<Sent> ended = harness.drain();
        assertTrue(ended.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLER)), ended::toString);
        assertTrue(ended.stream().anyMatch(s -> s.isResponse(487) && s.destination.equals(PICKER)),
            "Dave's INVITE is answered: " + ended);
        assertEquals(0, harness.engine.activeCalls(), harness.state());

        // Alice's answer to the takeover comes after her own BYE: acknowledged and nothing more.
        harness.receive(CALLER, alice.answer(takeover, 200, "OK", SDP_DAVE));
        harness.receive(PICKER, dave.ackFailure(ended.stream().filter(s -> s.isResponse(487)).findFirst()
            .orElseThrow()));
        harness.drain();
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * Engine fuzz finding (issue 7): a picker's CANCEL of its takeover INVITE was taken for a re-INVITE's; its leg
     * stayed in the call beside the peer, whom nobody hung up.
     */
    @Test
    void shouldEndATakeoverThePickerCancelsAndHangUpThePeerLeftAlone()
    {
        final Sent invite = inviteToBob();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(PICKER, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            "\r\n"));
        final List<Sent> out = harness.drain();
        final Sent takeover = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(CALLER))
            .findFirst().orElseThrow(() -> new AssertionError("Alice is re-INVITEd: " + out));
        out.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));

        harness.receive(PICKER, dave.cancel());
        final List<Sent> cancelled = harness.drain();
        assertTrue(cancelled.stream().anyMatch(s -> s.isResponse(487) && s.destination.equals(PICKER)),
            "Dave's INVITE ends: " + cancelled);
        final Sent bye = cancelled.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLER))
            .findFirst().orElseThrow(() -> new AssertionError("Alice, left alone, is hung up: " + cancelled));

        // Alice's 200 to the takeover re-INVITE crosses the BYE: acknowledged (RFC 3261 §13.2.2.4), nothing more.
        harness.receive(CALLER, alice.answer(takeover, 200, "OK", SDP_DAVE));
        final List<Sent> crossed = harness.drain();
        assertEquals(1, crossed.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(CALLER)).count(),
            crossed::toString);
        assertTrue(crossed.stream().noneMatch(s -> s.isRequest("BYE")), crossed::toString);
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls(), harness.state());
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
        assertEquals(0, harness.counters.trunks().total(TrunkCounters.CALLS), "the call left its trunk's count");
    }

    @Test
    void shouldAnswerReplacesAsRfc3891Says()
    {
        final Sent invite = inviteToBob();
        harness.receive(PICKER, dave.invite("bob", "p1@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: nothing@nowhere;to-tag=1;from-tag=2\r\n"));
        harness.expectOne(response(481, PICKER), "481 when nothing matches");

        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        final String earlyOnly = "Replaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() +
            ";early-only\r\n";
        harness.receive(PICKER, dave.invite("bob", "p2@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\n" + earlyOnly));
        harness.expectOne(response(486, PICKER), "486 for early-only against a confirmed dialog");

        harness.receive(CALLER, alice.bye());
        harness.drain();
        final String ended = "Replaces: " + invite.callId() + ";to-tag=bob-tag;from-tag=" + invite.fromTag() + "\r\n";
        harness.receive(PICKER, dave.invite("bob", "p3@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\n" + ended));
        final Sent answer = harness.drain().stream().filter(s -> s.destination.equals(PICKER)).findFirst()
            .orElseThrow();
        assertTrue(answer.status() == 603 || answer.status() == 481, "a dialog that ended: " + answer.firstLine());
    }
}
