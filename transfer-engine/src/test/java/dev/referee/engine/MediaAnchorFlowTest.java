package dev.referee.engine;

import dev.referee.ring.MediaFigures;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.media.MediaControl;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media anchored in the relay (issue 10, {@code media.enabled: true}), as the engine drives it: what each phone is
 * told in SDP (the relay's address, the leg's own ports, nothing of the far party) and what the relay is told
 * (endpoints opened on those ports, pointed at each phone's SDP address, linked in pairs, closed with their leg). The
 * relay itself is tested in media-relay; here its commands are recorded.
 */
class MediaAnchorFlowTest
{
    private static final String SDP_ALICE = "v=0\r\no=alice 1001 1 IN IP4 192.0.2.10\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8\r\na=rtpmap:8 PCMA/8000\r\na=sendrecv\r\n";
    private static final String SDP_BOB = "v=0\r\no=bob 2002 7 IN IP4 192.0.2.20\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final String SDP_CAROL = "v=0\r\no=carol 3003 42 IN IP4 192.0.2.30\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.30\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final Pattern PORT = Pattern.compile("(?m)^m=audio (\\d+) ");
    private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 (\\S+)\r?$");

    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);
    private final RecordedRelay relay = new RecordedRelay();
    private EngineHarness harness = anchored("40000-40099");

    private EngineHarness anchored(final String ports)
    {
        final String[] range = ports.split("-");
        final MediaConfig media;
        try
        {
            media = new MediaConfig(true, InetAddress.getByName("127.0.0.1"), null, Integer.parseInt(range[0]),
                Integer.parseInt(range[1]), 60_000, 3_600_000, false);
        }
        catch (final java.net.UnknownHostException e)
        {
            throw new AssertionError(e);
        }
        final EngineHarness anchored = new EngineHarness(new EngineHarness().config.withMedia(media));
        anchored.engine.mediaLive(relay);
        return anchored;
    }

    /** Alice calls Bob with an offer; returns {INVITE Bob got, 200 Alice got}. */
    private Sent[] establish(final SipPhone caller, final SipPhone callee, final String callId)
    {
        harness.receive(CALLER, withBody(caller.invite("bob", callId), SDP_ALICE));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        callee.accept(invite);
        harness.receive(CALLEE, callee.answer(invite, 200, "OK", SDP_BOB));
        final Sent ok = harness.expectOne(response(200, CALLER), "200");
        caller.learn(ok);
        harness.receive(CALLER, caller.ack());
        harness.drain();
        return new Sent[] {invite, ok};
    }

    @Test
    void shouldShowEachPhoneTheRelayAndLinkTheTwoLegs()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int towardBob = port(call[0]);
        final int towardAlice = port(call[1]);
        assertEquals("127.0.0.1", connection(call[0]), "Bob sends his RTP to the relay");
        assertEquals("127.0.0.1", connection(call[1]), "Alice too");
        assertNotEquals(towardBob, towardAlice, "a port pair per leg");
        assertTrue(towardBob % 2 == 0 && towardAlice % 2 == 0 && towardBob >= 40_000 && towardAlice <= 40_098,
            towardBob + " " + towardAlice);
        assertFalse(call[0].body().contains("192.0.2.10") || call[1].body().contains("192.0.2.20"),
            "neither phone learns the other's media address");
        assertTrue(call[0].body().contains("a=rtpmap:8 PCMA/8000"), "codecs pass unchanged");

        final long aliceEndpoint = relay.endpointOn(towardAlice);
        final long bobEndpoint = relay.endpointOn(towardBob);
        assertTrue(relay.commands.contains("peer " + aliceEndpoint + " /192.0.2.10:4000"), relay.commands::toString);
        assertTrue(relay.commands.contains("peer " + bobEndpoint + " /192.0.2.20:5000"), relay.commands::toString);
        assertEquals(1, relay.links(aliceEndpoint, bobEndpoint), relay.commands::toString);
        assertEquals(2, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE));

        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", CALLEE), "BYE");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(relay.commands.contains("close " + aliceEndpoint), relay.commands::toString);
        assertTrue(relay.commands.contains("close " + bobEndpoint), relay.commands::toString);
        assertEquals(0, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE), "both pairs free again");
    }

    @Test
    void shouldKeepTheTransfereesPortsAndLinkItToTheTargetWhenTheJoinCompletes()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int towardAlice = port(call[1]);
        final long aliceEndpoint = relay.endpointOn(towardAlice);
        final long bobEndpoint = relay.endpointOn(port(call[0]));

        final Sent invite = bobRefersAliceToCarol();
        assertTrue(relay.commands.contains("ringback " + aliceEndpoint + " 0"),
            () -> "Alice hears ringback in her codec (PCMU) while Carol is called: " + relay.commands);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        assertEquals(towardAlice, port(reinvite), "Alice keeps sending to the same port");
        assertEquals("127.0.0.1", connection(reinvite));
        assertFalse(reinvite.body().contains("192.0.2.30"), "nor does she learn Carol's address");
        final long carolEndpoint = relay.endpointOf("192.0.2.30:6000");
        assertEquals(0, relay.links(aliceEndpoint, carolEndpoint), "Alice still hears Bob until she accepts");

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        harness.drain();
        assertEquals("127.0.0.1", connection(invite));
        assertEquals(carolEndpoint, relay.endpointOn(port(invite)), "Carol sends to her own leg's ports (her offer)");
        assertEquals(1, relay.links(aliceEndpoint, carolEndpoint), "joined: Alice's endpoint now goes to Carol's");
        assertFalse(relay.commands.contains("ringback " + aliceEndpoint + " -1"), "the link itself ends the ringback");

        harness.receive(CALLEE, bob.bye());
        harness.drain();
        harness.advanceMs(40_000);
        assertTrue(relay.commands.contains("close " + bobEndpoint), relay.commands::toString);
        assertFalse(relay.commands.contains("close " + aliceEndpoint), "Alice's ports stay hers");
        assertEquals(2, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE), "Alice's and Carol's");
    }

    /**
     * Node-start version 9: Carol is called with Alice's media as offer (on Carol's own pair), so her 183 with SDP is
     * an answer the relay uses at once: Alice hears Carol's early media instead of the tone. Carol's 200 is ACKed at
     * once without body; Alice is re-INVITEd with Carol's SDP on her own port, and her answer does not link her back
     * to Bob while the join completes.
     */
    @Test
    void shouldOfferTheTransfereesMediaToTheTargetAndLetHerHearItsEarlyMedia()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int towardAlice = port(call[1]);
        final long aliceEndpoint = relay.endpointOn(towardAlice);
        final long bobEndpoint = relay.endpointOn(port(call[0]));

        final Sent invite = bobRefersAliceToCarol();
        assertEquals("127.0.0.1", connection(invite), "Carol is offered the relay");
        assertTrue(invite.body().contains("m=audio " + port(invite) + " RTP/AVP 0 8\r\na=rtpmap:8 PCMA/8000"),
            () -> "Alice's codecs, on Carol's own port: " + invite.body());
        assertFalse(invite.body().contains("192.0.2.10"), "nothing of Alice's address");
        assertFalse(invite.body().contains("o=alice"), "Referee's own origin for Carol's leg");
        final long carolEndpoint = relay.endpointOn(port(invite));
        assertNotEquals(towardAlice, port(invite));
        assertEquals("ringback " + aliceEndpoint + " 0", lastRingback(), "the tone until Carol's media comes");

        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 180, "Ringing", null));
        harness.drain();
        assertEquals(0, relay.links(aliceEndpoint, carolEndpoint), "180 without SDP: still the tone");
        harness.receive(TARGET, carol.answer(invite, 183, "Session Progress", SDP_CAROL));
        harness.drain();
        assertTrue(relay.commands.contains("peer " + carolEndpoint + " /192.0.2.30:6000"), relay.commands::toString);
        assertEquals(1, relay.links(aliceEndpoint, carolEndpoint), "Alice hears Carol's early media");
        assertEquals(1, relay.links(aliceEndpoint, bobEndpoint), "and no longer Bob");

        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final List<Sent> answered = harness.drain();
        final Sent ackCarol = answered.stream().filter(request("ACK", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("Carol's 200 is ACKed at once: " + answered));
        assertEquals("", ackCarol.body(), "her answer completed the INVITE's offer/answer");
        final Sent reinvite = answered.stream().filter(request("INVITE", CALLER)).findFirst().orElseThrow();
        assertEquals(towardAlice, port(reinvite), "Alice keeps sending to the same port");
        assertFalse(reinvite.body().contains("192.0.2.30"));

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        assertEquals(0, joined.stream().filter(request("ACK", TARGET)).count(), "no second ACK to Carol: " + joined);
        assertEquals(1, relay.links(aliceEndpoint, bobEndpoint), "Alice's answer did not link her back to Bob");
        assertEquals(carolEndpoint, relay.linkedTo(aliceEndpoint), relay.commands::toString);
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        assertEquals(carolEndpoint, relay.linkedTo(aliceEndpoint), "joined for good: " + relay.commands);
    }

    /** Carol refuses after her early media: Alice hears Bob's side again, as after the tone. */
    @Test
    void shouldLinkTheTransfereeBackToTheTransferorWhenTheTargetRefusesAfterEarlyMedia()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final long bobEndpoint = relay.endpointOn(port(call[0]));
        final Sent invite = bobRefersAliceToCarol();
        final long carolEndpoint = relay.endpointOn(port(invite));
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 183, "Session Progress", SDP_CAROL));
        harness.drain();
        assertEquals(carolEndpoint, relay.linkedTo(aliceEndpoint));

        // A restart while Carol's early media plays: the early link and Alice's SDP come back with the snapshot.
        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final EngineHarness restored = new EngineHarness(harness.config);
        EngineSnapshot.restore(restored.engine, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored.engine), "the same state, byte for byte");

        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        harness.drain();
        assertEquals(bobEndpoint, relay.linkedTo(aliceEndpoint), "back to Bob: " + relay.commands);
        assertEquals(2, relay.links(aliceEndpoint, bobEndpoint));
    }

    /**
     * Carol's phone takes none of Alice's codecs (488): she is called again, a new dialog, without offer, and the
     * transfer goes on the node-start version 8 way (her 200 offers, Alice answers in the join, the ACK carries it).
     */
    @Test
    void shouldCallTheTargetAgainWithoutOfferWhenItRefusesTheTransfereesMedia()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final Sent invite = bobRefersAliceToCarol();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 488, "Not Acceptable Here", null));
        final List<Sent> out = harness.drain();
        final Sent again = out.stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("Carol is called again: " + out));
        assertEquals("", again.body(), "without offer");
        assertNotEquals(invite.header(dev.referee.sip.HeaderName.CALL_ID), again.header(dev.referee.sip.HeaderName.CALL_ID));
        assertEquals(0, out.stream().filter(s -> s.isRequest("NOTIFY") && s.body().contains("488")).count(),
            "the transferor hears no failure: " + out);
        assertEquals(List.of("ringback " + aliceEndpoint + " 0"), relay.commands.stream()
            .filter(c -> c.startsWith("ringback " + aliceEndpoint + " ")).toList(),
            "Alice's ringback goes on while Carol is called again (a stop would let Bob through for a moment)");

        final SipPhone carolAgain = new SipPhone("carol", TARGET).accept(again);
        harness.receive(TARGET, carolAgain.answer(again, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final Sent ackCarol = harness.drain().stream().filter(request("ACK", TARGET)).findFirst().orElseThrow();
        final long carolEndpoint = relay.endpointOn(port(ackCarol));
        assertEquals(carolEndpoint, relay.linkedTo(aliceEndpoint), relay.commands::toString);
    }

    /** A journal of node-start version 8 replays as made: the target is called without offer. */
    @Test
    void shouldCallTheTargetWithoutOfferUnderNodeStartVersion8()
    {
        harness = new EngineHarness(withBehaviour(harness.config, 8));
        harness.engine.mediaLive(relay);
        establish(alice, bob, "call-1@alice");
        final Sent invite = bobRefersAliceToCarol();
        assertEquals("", invite.body());
    }

    /** A target that refuses ends the ringback: Alice hears Bob's side again (he may take her back). */
    @Test
    void shouldStopTheRingbackWhenTheTargetRefuses()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final Sent invite = bobRefersAliceToCarol();
        assertTrue(relay.commands.contains("ringback " + aliceEndpoint + " 0"), relay.commands::toString);

        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        harness.drain();
        assertEquals("ringback " + aliceEndpoint + " -1", relay.commands.stream()
            .filter(c -> c.startsWith("ringback ")).reduce((first, second) -> second).orElseThrow(),
            relay.commands::toString);

        // A restart while ringing re-plays it: the snapshot keeps the ringback and going live says it again.
        bobRefersAliceToCarol();
        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final EngineHarness restored = new EngineHarness(harness.config);
        EngineSnapshot.restore(restored.engine, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored.engine), "the same state, byte for byte");
        final RecordedRelay afterRestart = new RecordedRelay();
        restored.engine.mediaLive(afterRestart);
        assertTrue(afterRestart.commands.contains("ringback " + aliceEndpoint + " 0"), afterRestart.commands::toString);
    }

    /**
     * Attended transfer: Bob consults Carol, then REFERs Alice to Carol with Replaces. Both Alice and Carol keep the
     * ports they had (each one's SDP keeps its address and port), and the link moves from Alice-Bob and Bob-Carol to
     * Alice-Carol when the join completes; Bob's two legs close.
     */
    @Test
    void shouldKeepBothPartiesPortsAndLinkThemWhenAnAttendedTransferJoins()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int towardAlice = port(call[1]);
        final long aliceEndpoint = relay.endpointOn(towardAlice);
        final long bobEndpoint = relay.endpointOn(port(call[0]));
        final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
        harness.receive(CALLEE, withBody(bobConsulting.invite("carol", "call-2@bob"), SDP_BOB));
        final Sent carolsInvite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst()
            .orElseThrow();
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        final Sent consultationOk = harness.expectOne(response(200, CALLEE), "200 of the consultation");
        bobConsulting.learn(consultationOk);
        harness.receive(CALLEE, bobConsulting.ack());
        harness.drain();
        final int towardCarol = port(carolsInvite);
        final long carolEndpoint = relay.endpointOn(towardCarol);
        final long bobConsultingEndpoint = relay.endpointOn(port(consultationOk));

        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" +
            bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbob-tag", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no re-INVITE of the target: " + out));
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL.replace(" 42 IN", " 43 IN")));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        assertEquals(towardAlice, port(reinvite), "Alice keeps her port");
        assertEquals(0, relay.links(aliceEndpoint, carolEndpoint), "not before Alice accepts");

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final Sent ackCarol = harness.drain().stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow();
        assertEquals(towardCarol, port(ackCarol), "Carol keeps her port");
        assertEquals(1, relay.links(aliceEndpoint, carolEndpoint), relay.commands::toString);

        harness.receive(CALLEE, bob.bye());
        harness.drain().stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bobConsulting.answer(bye, 200, "OK", null)));
        harness.advanceMs(40_000);
        assertTrue(relay.commands.containsAll(List.of("close " + bobEndpoint, "close " + bobConsultingEndpoint)),
            relay.commands::toString);
        assertEquals(2, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE), "Alice's and Carol's");
    }

    /**
     * Recall: Bob transfers Alice to Carol and hangs up, Carol is busy, Bob is called back. Alice hears ringback while
     * Carol and then Bob are called, one tone throughout, and her endpoint is linked to the recall leg's when she accepts Bob's offer.
     */
    @Test
    void shouldRingBackAndLinkTheTransfereeToTheRecalledTransferor()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final Sent invite = bobRefersAliceToCarol();
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        final Sent recall = harness.drain().stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("Bob is called back: " + harness.state()));
        // One tone from Carol's INVITE to Bob's answer: never stopped in between, since a stop would let Alice hear
        // whatever still reaches the port of Bob's first leg, hung up, until the recall starts the tone again.
        assertEquals(List.of("ringback " + aliceEndpoint + " 0"), relay.commands.stream()
            .filter(c -> c.startsWith("ringback " + aliceEndpoint + " ")).toList(),
            "the ringback goes on while Bob is called back");

        final SipPhone bobAgain = new SipPhone("bob", CALLEE).accept(recall);
        harness.receive(CALLEE, bobAgain.answer(recall, 200, "OK", SDP_BOB.replace("192.0.2.20", "192.0.2.21")));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        assertEquals(port(call[1]), port(reinvite), "Alice keeps her port");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        harness.drain();
        final long recallEndpoint = relay.endpointOn(port(recall)); // Bob was called back with Alice's media
        assertEquals(1, relay.links(aliceEndpoint, recallEndpoint), relay.commands::toString);
        assertTrue(relay.commands.contains("peer " + recallEndpoint + " /192.0.2.21:5000"), relay.commands::toString);
    }

    /**
     * 302: Bob's phone redirects Alice's call to Carol. Carol is called with Alice's offer on a pair of Carol's leg,
     * and Alice, who never heard Bob, is linked to Carol when Carol answers.
     */
    @Test
    void shouldLinkTheCallerToTheTargetOfARedirect()
    {
        harness.receive(CALLER, withBody(alice.invite("bob", "call-1@alice"), SDP_ALICE));
        final Sent toBob = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 302, "Moved Temporarily", null).replace("Content-Length: 0",
            "Contact: <sip:carol@127.0.0.1:5064>\r\nContent-Length: 0"));
        final Sent toCarol = harness.drain().stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("the redirect is followed: " + harness.state()));
        assertEquals("127.0.0.1", connection(toCarol), "Carol sees the relay");
        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 200, "OK", SDP_CAROL));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to Alice");
        final long aliceEndpoint = relay.endpointOn(port(ok));
        final long carolEndpoint = relay.endpointOn(port(toCarol));
        assertTrue(relay.commands.contains("peer " + carolEndpoint + " /192.0.2.30:6000"), relay.commands::toString);
        assertEquals(1, relay.links(aliceEndpoint, carolEndpoint), relay.commands::toString);
    }

    /**
     * Blonde: Bob REFERs Alice to Carol while his consultation call to Carol still rings. When Carol answers, her
     * offer goes to Alice and, once Alice accepts it, Alice's endpoint is linked to Carol's.
     */
    @Test
    void shouldLinkTheTransfereeToTheTargetWhenABlondeTransfersTargetAnswers()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final Sent carolsInvite = bobRefersAliceToRingingCarol();
        final long carolEndpoint = relay.endpointOn(port(carolsInvite));
        assertEquals("ringback " + aliceEndpoint + " 0", lastRingback(), "Alice hears Carol ring");
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        final Sent solicit = harness.drain().stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("Carol is asked for an offer: " + harness.state()));
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL.replace(" 42 IN", " 43 IN")));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        assertEquals(port(call[1]), port(reinvite), "Alice keeps her port");
        assertEquals(0, relay.links(aliceEndpoint, carolEndpoint), "not before Alice accepts");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        harness.drain();
        assertEquals(1, relay.links(aliceEndpoint, carolEndpoint), relay.commands::toString);
        assertEquals("ringback " + aliceEndpoint + " 0", lastRingback(), "the link itself ended the tone");
    }

    /** A blonde transfer whose target refuses: the tone stops, Alice hears Bob's side again. */
    @Test
    void shouldStopTheBlondeTransfersRingbackWhenTheTargetRefuses()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final Sent carolsInvite = bobRefersAliceToRingingCarol();
        assertEquals("ringback " + aliceEndpoint + " 0", lastRingback());

        harness.receive(TARGET, carol.answer(carolsInvite, 486, "Busy Here", null));
        harness.drain();
        assertEquals("ringback " + aliceEndpoint + " -1", lastRingback(), relay.commands::toString);
    }

    /**
     * Blonde: Bob calls Carol (a consultation with Bob's offer), Carol rings, and Bob REFERs Alice to her with Replaces
     * of that ringing dialog, answering the NOTIFYs: returns Referee's INVITE to Carol (of the consultation).
     */
    private Sent bobRefersAliceToRingingCarol()
    {
        final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
        harness.receive(CALLEE, withBody(bobConsulting.invite("carol", "call-2@bob"), SDP_BOB));
        final Sent carolsInvite = harness.drain().stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow();
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 180, "Ringing", null));
        bobConsulting.learn(harness.drain().stream().filter(s -> s.isResponse(180)).findFirst().orElseThrow());
        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" +
            bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbob-tag", null));
        harness.drain().stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        return carolsInvite;
    }

    /** Bob REFERs Alice to Carol (blind) and answers the NOTIFYs: returns Referee's INVITE to Carol. */
    private Sent bobRefersAliceToCarol()
    {
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        return out.stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("Carol is called: " + out));
    }

    private String lastRingback()
    {
        return relay.commands.stream().filter(c -> c.startsWith("ringback ")).reduce((a, b) -> b).orElse("none");
    }

    /**
     * Pickup of an answered call (INVITE with Replaces naming Bob's dialog): Alice keeps her port in the re-INVITE
     * that brings her Dave's offer; Dave gets a pair of his own; the link moves to Alice-Dave when Alice answers.
     */
    @Test
    void shouldKeepThePeersPortAndLinkItToThePickerWhenATakeoverIsAnswered()
    {
        final java.net.InetSocketAddress picker = new java.net.InetSocketAddress("127.0.0.1", 5080);
        final SipPhone dave = new SipPhone("dave", picker);
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int towardAlice = port(call[1]);
        final long aliceEndpoint = relay.endpointOn(towardAlice);
        final long bobEndpoint = relay.endpointOn(port(call[0]));

        final String sdpDave = SDP_CAROL.replace("carol", "dave").replace("192.0.2.30", "192.0.2.40");
        harness.receive(picker, withBody(dave.invite("bob", "takeover@dave"), sdpDave).replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: " + call[0].callId() + ";to-tag=bob-tag;from-tag=" + call[0].fromTag() +
            "\r\n"));
        final List<Sent> out = harness.drain();
        final Sent takeover = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(CALLER))
            .findFirst().orElseThrow(() -> new AssertionError("Alice is re-INVITEd: " + out));
        out.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));
        assertEquals(towardAlice, port(takeover), "Alice keeps her port");
        assertFalse(takeover.body().contains("192.0.2.40"), "nor does she learn Dave's address");
        final long daveEndpoint = relay.endpointOf("192.0.2.40:6000");

        harness.receive(CALLER, alice.answer(takeover, 200, "OK", SDP_ALICE));
        final Sent toDave = harness.drain().stream().filter(s -> s.isResponse(200) && s.destination.equals(picker))
            .findFirst().orElseThrow();
        assertEquals(daveEndpoint, relay.endpointOn(port(toDave)), "Dave sends to his own leg's port");
        assertEquals(1, relay.links(aliceEndpoint, daveEndpoint), relay.commands::toString);
        harness.advanceMs(40_000);
        assertTrue(relay.commands.contains("close " + bobEndpoint), relay.commands::toString);
    }

    /**
     * rtcp-mux is negotiated per hop (RFC 5761 §5.1.1): Alice offers it; Referee relays the offer to Bob with it; when
     * Bob answers without it, neither leg muxes, so Alice's endpoint, told mux with her offer, is told again without.
     * When Bob's answer accepts it, both mux.
     */
    @Test
    void shouldMuxRtcpOnALegOnlyWhenBothSidesAgreed()
    {
        final String muxOffer = SDP_ALICE.replace("a=sendrecv", "a=sendrecv\r\na=rtcp-mux");
        harness.receive(CALLER, withBody(alice.invite("bob", "call-1@alice"), muxOffer));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        assertTrue(invite.body().contains("a=rtcp-mux"), "the offer goes on with it");
        final long aliceEndpoint = relay.endpointOf("192.0.2.10:4000");
        assertEquals(Boolean.TRUE, relay.mux.get(aliceEndpoint), "offered: muxed until the answer says otherwise");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SDP_BOB));
        final Sent ok = harness.expectOne(response(200, CALLER), "200");
        assertFalse(ok.body().contains("a=rtcp-mux"), "Bob declined it, and so the answer to Alice");
        assertEquals(Boolean.FALSE, relay.mux.get(aliceEndpoint), "Alice's RTCP on RTP + 1 after all");
        assertEquals(Boolean.FALSE, relay.mux.get(relay.endpointOf("192.0.2.20:5000")));

        final SipPhone dave = new SipPhone("dave", CALLER);
        harness.receive(CALLER, withBody(dave.invite("bob", "call-2@dave"), muxOffer));
        final Sent second = harness.expectOne(request("INVITE", CALLEE), "second INVITE");
        final SipPhone bobAgain = new SipPhone("bob", CALLEE);
        bobAgain.accept(second);
        harness.receive(CALLEE, bobAgain.answer(second, 200, "OK",
            SDP_BOB.replace("192.0.2.20", "192.0.2.21").replace("a=sendrecv", "a=sendrecv\r\na=rtcp-mux")));
        harness.expectOne(response(200, CALLER), "200 of the second call");
        assertEquals(Boolean.TRUE, relay.mux.get(relay.endpointOf("192.0.2.21:5000")), "Bob's leg muxes");
        final long secondCaller = relay.endpointsOf("192.0.2.10:4000").get(1);
        assertEquals(Boolean.TRUE, relay.mux.get(secondCaller), "and Dave's leg");
    }

    @Test
    void shouldTimeOutAnsweredLegsOnlyAndEndASilentCallWithMediaTimeout()
    {
        harness.receive(CALLER, withBody(alice.invite("bob", "call-1@alice"), SDP_ALICE));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.drain();
        assertTrue(relay.commands.stream().noneMatch(c -> c.startsWith("timeout ")),
            () -> "never idle while ringing: " + relay.commands);

        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SDP_BOB));
        final Sent ok = harness.expectOne(response(200, CALLER), "200");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.drain();
        final long aliceEndpoint = relay.endpointOn(port(ok));
        final long bobEndpoint = relay.endpointOn(port(invite));
        assertTrue(relay.commands.contains("timeout " + aliceEndpoint + " 60000000000"), relay.commands::toString);
        assertTrue(relay.commands.contains("timeout " + bobEndpoint + " 60000000000"), relay.commands::toString);

        // Alice puts Bob on hold: her line's timeout becomes media.hold-timeout.
        harness.receive(CALLER, alice.reinvite(SDP_ALICE.replace("a=sendrecv", "a=sendonly")));
        final Sent hold = harness.expectOne(request("INVITE", CALLEE), "hold");
        harness.receive(CALLEE, bob.answer(hold, 200, "OK", SDP_BOB.replace("a=sendrecv", "a=recvonly")));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        assertTrue(relay.commands.contains("timeout " + aliceEndpoint + " 3600000000000"), relay.commands::toString);

        harness.mediaIdle(bobEndpoint);
        final List<Sent> byes = harness.drain().stream().filter(s -> s.isRequest("BYE")).toList();
        assertEquals(2, byes.size(), () -> "BYE to both: " + byes);
        byes.forEach(bye -> harness.receive(bye.destination, (bye.destination.equals(CALLER) ? alice : bob)
            .answer(bye, 200, "OK", null)));
        assertTrue(harness.events.stream().anyMatch(e -> e.startsWith("ended 1 media-timeout")),
            harness.events::toString);
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());

        harness.mediaIdle(bobEndpoint); // a report crossing the call's end changes nothing
        assertTrue(harness.drain().isEmpty());
    }

    /**
     * Statistics (issue 10): the call records are told, before the call's end, which endpoints close with it and of
     * which leg; the relay's figures of each come later as an input of their own (journaled) and go to the records.
     */
    @Test
    void shouldReportTheEndpointsClosingWithTheCallAndPassTheRelaysFiguresOn()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final long bobEndpoint = relay.endpointOn(port(call[0]));
        harness.receive(CALLER, alice.bye());
        harness.drain().stream().filter(request("BYE", CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));
        final List<String> ending = harness.events.stream()
            .filter(e -> e.startsWith("media-closing") || e.startsWith("ended")).toList();
        assertEquals(List.of("media-closing 1 caller " + aliceEndpoint, "media-closing 1 callee " + bobEndpoint,
            "ended 1 caller-bye 0"), ending);
        assertTrue(relay.commands.contains("close " + aliceEndpoint), relay.commands::toString);

        final MediaFigures figures = new MediaFigures().set(1_500, 258_000, 6, 3, 41, 0, 1_000, 30_000);
        harness.mediaStats(aliceEndpoint, figures);
        assertEquals("media-stats " + aliceEndpoint + " " + figures, harness.events.get(harness.events.size() - 1));
        assertTrue(harness.drain().isEmpty(), "nothing is sent for figures");
    }

    /**
     * A node recovering from a snapshot (not from the journal's start) holds the same pairs: the restored engine's
     * snapshot is the same bytes, going live re-opens and re-links the call's endpoints on the same ports, and the
     * next SDP toward a leg names its port as before.
     */
    @Test
    void shouldRestoreTheLegsMediaFromASnapshotAndReopenItOnGoingLive()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final long aliceEndpoint = relay.endpointOn(port(call[1]));
        final long bobEndpoint = relay.endpointOn(port(call[0]));
        final byte[] snapshot = EngineSnapshot.take(harness.engine);

        final EngineHarness restored = new EngineHarness(harness.config);
        EngineSnapshot.restore(restored.engine, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored.engine), "the same state, byte for byte");
        final RecordedRelay relayAfterRestart = new RecordedRelay();
        restored.engine.mediaLive(relayAfterRestart);
        assertTrue(relayAfterRestart.commands.containsAll(List.of("open " + aliceEndpoint + " " + port(call[1]),
            "open " + bobEndpoint + " " + port(call[0]), "peer " + aliceEndpoint + " /192.0.2.10:4000",
            "peer " + bobEndpoint + " /192.0.2.20:5000")), relayAfterRestart.commands::toString);
        assertEquals(1, relayAfterRestart.links(aliceEndpoint, bobEndpoint), relayAfterRestart.commands::toString);

        final String reinvite = alice.reinvite(SDP_ALICE.replace("a=sendrecv", "a=sendonly"));
        harness.receive(CALLER, reinvite);
        restored.receive(CALLER, reinvite);
        final Sent original = harness.expectOne(request("INVITE", CALLEE), "re-INVITE");
        final Sent afterRestore = restored.expectOne(request("INVITE", CALLEE), "re-INVITE after the restore");
        assertEquals(port(call[0]), port(afterRestore), "Bob keeps his port");
        assertEquals(original.body(), afterRestore.body());
    }

    /**
     * A pair the relay cannot bind (another process holds a port of it) fails the call whose leg got it, since that
     * leg's SDP names a port nobody relays on: while ringing, 503 with Retry-After to the caller and CANCEL to the
     * callee, cause media-failed. The pair leaves the pool for good, so the caller's next attempt gets another.
     */
    @Test
    void shouldFailARingingCallWhosePortsCannotBeBoundAndTakeThatPairOutOfThePool()
    {
        harness = anchored("40000-40005"); // three pairs
        harness.receive(CALLER, withBody(alice.invite("bob", "call-1@alice"), SDP_ALICE));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.drain();
        final int bobPort = port(invite);
        harness.mediaOpenFailed(relay.endpointOn(bobPort), bobPort, MediaAnchor.BIND_FAILED);
        final List<Sent> out = harness.drain();
        final Sent refused = out.stream().filter(response(503, CALLER)).findFirst()
            .orElseThrow(() -> new AssertionError("503 to the caller: " + out));
        assertTrue(refused.text.contains("Retry-After: "), refused.text);
        final Sent cancel = out.stream().filter(request("CANCEL", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("CANCEL to the callee: " + out));
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        harness.drain();
        assertTrue(harness.events.stream().anyMatch(e -> e.startsWith("ended 1 media-failed 503")),
            harness.events::toString);
        assertEquals(0, harness.engine.activeCalls());
        assertEquals(1, harness.counters.get(EngineCounters.MEDIA_OPEN_FAILED));
        harness.engine.refreshGauges();
        assertEquals(1, harness.counters.get(EngineCounters.MEDIA_PAIRS_UNUSABLE));
        assertEquals(1, harness.counters.get(EngineCounters.MEDIA_PAIRS_IN_USE), "the unusable pair stays taken");

        // Two pairs are left: the next call gets them, never the unusable one.
        final SipPhone erin = new SipPhone("erin", CALLER);
        final SipPhone bobAgain = new SipPhone("bob", CALLEE);
        final Sent[] again = establish(erin, bobAgain, "call-2@erin");
        assertTrue(port(again[0]) != bobPort && port(again[1]) != bobPort, "not the unusable pair");

        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final EngineHarness restored = new EngineHarness(harness.config);
        EngineSnapshot.restore(restored.engine, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored.engine), "the unusable pair is in the snapshot");
        restored.engine.refreshGauges();
        assertEquals(1, restored.counters.get(EngineCounters.MEDIA_PAIRS_UNUSABLE));
    }

    /** Once answered, a call whose ports cannot be opened (here after a restart) ends with BYE both ways. */
    @Test
    void shouldEndAnAnsweredCallWhosePortsCannotBeOpened()
    {
        final Sent[] call = establish(alice, bob, "call-1@alice");
        final int alicePort = port(call[1]);
        harness.mediaOpenFailed(relay.endpointOn(alicePort), alicePort, MediaAnchor.BIND_FAILED);
        final List<Sent> byes = harness.drain().stream().filter(s -> s.isRequest("BYE")).toList();
        assertEquals(2, byes.size(), () -> "BYE to both: " + byes);
        byes.forEach(bye -> harness.receive(bye.destination, (bye.destination.equals(CALLER) ? alice : bob)
            .answer(bye, 200, "OK", null)));
        assertTrue(harness.events.stream().anyMatch(e -> e.startsWith("ended 1 media-failed")),
            harness.events::toString);

        harness.mediaOpenFailed(relay.endpointOn(alicePort), alicePort, MediaAnchor.BIND_FAILED);
        assertTrue(harness.drain().isEmpty(), "a report for an ended leg changes nothing more");
    }

    /**
     * SIP-I (RFC 3204): a trunk's INVITE carries SDP beside ISUP in multipart/mixed. The SDP part is anchored as any
     * SDP (the callee sees the relay, the relay points at the caller's address); the ISUP part, the boundaries and the
     * Content-Type pass byte for byte.
     */
    @Test
    void shouldAnchorTheSdpPartOfASipIBodyAndPassTheIsupPartAsItCame()
    {
        final String isupPart = "Content-Type: application/ISUP;version=itu-t92+\r\n" +
            "Content-Disposition: signal;handling=optional\r\n\r\n\u0001\u0000\u0049\u0000\u0010\u0021\r\n--b1--\r\n";
        final String body = "--b1\r\nContent-Type: application/sdp\r\n\r\n" + SDP_ALICE + "\r\n--b1\r\n" + isupPart;
        final String invite = withBody(alice.invite("bob", "call-1@alice"), body)
            .replaceFirst("Content-Type: application/sdp", "Content-Type: multipart/mixed;boundary=b1");
        harness.receive(CALLER, invite);
        final Sent toBob = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        assertTrue(toBob.text.contains("Content-Type: multipart/mixed;boundary=b1\r\n"), toBob.text);
        assertTrue(toBob.body().startsWith("--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n"), toBob.body());
        assertTrue(toBob.body().endsWith("\r\n--b1\r\n" + isupPart), "the ISUP part as it came: " + toBob.body());
        assertEquals("127.0.0.1", connection(toBob), "Bob sees the relay");
        final int bobPort = port(toBob);
        assertTrue(bobPort >= 40_000 && bobPort <= 40_099, toBob.body());

        bob.accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 200, "OK", SDP_BOB));
        final Sent ok = harness.expectOne(response(200, CALLER), "200");
        final long aliceEndpoint = relay.endpointOn(port(ok));
        assertTrue(relay.commands.contains("peer " + aliceEndpoint + " /192.0.2.10:4000"),
            () -> "the relay sends to Alice's address from the SDP part: " + relay.commands);
        assertEquals(1, relay.links(aliceEndpoint, relay.endpointOn(bobPort)), relay.commands::toString);
    }

    @Test
    void shouldAnswer503WhenTheMediaPortsAreExhaustedAndServeAgainOnceFree()
    {
        harness = anchored("40000-40003"); // two pairs: one call
        establish(alice, bob, "call-1@alice");
        final SipPhone dave = new SipPhone("dave", CALLER);
        harness.receive(CALLER, withBody(dave.invite("bob", "call-2@dave"), SDP_ALICE));
        final Sent refused = harness.expectOne(response(503, CALLER), "503");
        assertTrue(refused.text.contains("Retry-After: "), refused.text);
        assertEquals(1, harness.counters.get(EngineCounters.MEDIA_PORTS_EXHAUSTED));
        assertEquals(1, harness.engine.activeCalls(), "nothing of the refused call was made");

        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", CALLEE), "BYE");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        final SipPhone erin = new SipPhone("erin", CALLER);
        final SipPhone bobAgain = new SipPhone("bob", CALLEE);
        final Sent[] again = establish(erin, bobAgain, "call-3@erin");
        assertEquals("127.0.0.1", connection(again[1]), "the freed pairs serve the next call");
    }

    private static dev.referee.engine.config.EngineConfig withBehaviour(final dev.referee.engine.config.EngineConfig c,
        final int behaviour)
    {
        return new dev.referee.engine.config.EngineConfig(c.listen(), c.routes(), c.t1Ns(), c.t2Ns(), c.t4Ns(),
            c.maxCalls(), c.userAgent(), c.seed(), c.idKey(), c.transfer(), c.redirect(), c.trunks(), c.webhook(),
            c.maxTransactions(), behaviour, c.sessionExpiresS(), c.minSeS(), c.media());
    }

    private static String withBody(final String request, final String sdp)
    {
        return request.replace(SipPhone.SDP, sdp)
            .replace("Content-Length: " + SipPhone.SDP.length(), "Content-Length: " + sdp.length());
    }

    private static int port(final Sent sent)
    {
        final Matcher m = PORT.matcher(sent.body());
        assertTrue(m.find(), sent.body());
        return Integer.parseInt(m.group(1));
    }

    private static String connection(final Sent sent)
    {
        final Matcher m = CONNECTION.matcher(sent.body());
        assertTrue(m.find(), sent.body());
        return m.group(1);
    }

    /** The relay's commands, as text in the order given. */
    private static final class RecordedRelay implements MediaControl
    {
        final List<String> commands = new ArrayList<>();
        /** The last rtcp-mux each endpoint was told. */
        final java.util.Map<Long, Boolean> mux = new java.util.HashMap<>();

        long endpointOn(final int rtpPort)
        {
            return commands.stream().filter(c -> c.startsWith("open ") && c.endsWith(" " + rtpPort))
                .mapToLong(c -> Long.parseLong(c.split(" ")[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint on " + rtpPort + ": " + commands));
        }

        long endpointOf(final String peer)
        {
            return commands.stream().filter(c -> c.startsWith("peer ") && c.endsWith("/" + peer))
                .mapToLong(c -> Long.parseLong(c.split(" ")[1])).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint for " + peer + ": " + commands));
        }

        List<Long> endpointsOf(final String peer)
        {
            return commands.stream().filter(c -> c.startsWith("peer ") && c.endsWith("/" + peer))
                .map(c -> Long.parseLong(c.split(" ")[1])).distinct().toList();
        }

        /** The endpoint {@code endpoint} was last linked to (-1: never). */
        long linkedTo(final long endpoint)
        {
            long to = -1;
            for (final String c : commands)
            {
                final String[] words = c.split(" ");
                if (words[0].equals("link") && Long.parseLong(words[1]) == endpoint)
                {
                    to = Long.parseLong(words[2]);
                }
                else if (words[0].equals("link") && Long.parseLong(words[2]) == endpoint)
                {
                    to = Long.parseLong(words[1]);
                }
            }
            return to;
        }

        long links(final long one, final long other)
        {
            return commands.stream().filter(c -> c.equals("link " + one + " " + other) ||
                c.equals("link " + other + " " + one)).count();
        }

        @Override
        public boolean open(final long endpointId, final int rtpPort, final boolean strictSource, final long timeoutNs)
        {
            return commands.add("open " + endpointId + " " + rtpPort);
        }

        @Override
        public boolean peer(final long endpointId, final InetAddress address, final int rtpPort, final int rtcpPort,
            final boolean rtcpMux, final int clockRateHz)
        {
            mux.put(endpointId, rtcpMux);
            return commands.add("peer " + endpointId + " " + address + ":" + rtpPort);
        }

        @Override
        public boolean timeout(final long endpointId, final long timeoutNs)
        {
            return commands.add("timeout " + endpointId + " " + timeoutNs);
        }

        @Override
        public boolean link(final long endpointId, final long otherEndpointId)
        {
            return commands.add("link " + endpointId + " " + otherEndpointId);
        }

        @Override
        public boolean close(final long endpointId)
        {
            return commands.add("close " + endpointId);
        }

        @Override
        public boolean ringback(final long endpointId, final int payloadType)
        {
            return commands.add("ringback " + endpointId + " " + payloadType);
        }
    }
}
