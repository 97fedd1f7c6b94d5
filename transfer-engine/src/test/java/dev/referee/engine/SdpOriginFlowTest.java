package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each phone sees in the o= line of the SDP Referee sends it (RFC 3264 §8, issue 7 "What crosses"): Referee's
 * origin, one session for the life of its dialog with the version up by one on each changed description, whoever is
 * at the far end, a transfer included. A phone that checks its peer's origin (many do, and reset media or refuse a
 * re-INVITE whose origin changed) sees one peer: Referee.
 */
class SdpOriginFlowTest
{
    private static final String SDP_ALICE = "v=0\r\no=alice 1001 1 IN IP4 192.0.2.10\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final String SDP_BOB = "v=0\r\no=bob 2002 7 IN IP4 192.0.2.20\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final String SDP_CAROL = "v=0\r\no=carol 3003 42 IN IP4 192.0.2.30\r\ns=-\r\n" +
        "c=IN IP4 192.0.2.30\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=sendrecv\r\n";
    private static final String SDP_ALICE_HOLD = SDP_ALICE.replace("a=sendrecv", "a=sendonly");
    private static final String SDP_BOB_HELD = SDP_BOB.replace("a=sendrecv", "a=recvonly");
    /** Referee listens on 127.0.0.1 (EngineHarness): its address toward every leg of these tests. */
    private static final String REFEREE = "IN IP4 127.0.0.1";

    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    /** Alice calls Bob with an offer; returns {INVITE Bob got, 200 Alice got}. */
    private Sent[] establish()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice").replace(SipPhone.SDP, SDP_ALICE)
            .replace("Content-Length: " + SipPhone.SDP.length(), "Content-Length: " + SDP_ALICE.length()));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", SDP_BOB));
        final Sent early = harness.expectOne(response(183, CALLER), "183 with early media");
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SDP_BOB));
        final Sent ok = harness.expectOne(response(200, CALLER), "200");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.drain();
        assertEquals(early.origin(), ok.origin(), "the 200 repeats the 183's answer: same version (RFC 3264 §8)");
        return new Sent[] { invite, ok };
    }

    @Test
    void shouldShowEachLegRefereesOwnOriginAndNothingOfTheOtherSide()
    {
        final Sent[] call = establish();
        final String[] toBob = call[0].origin().split(" ");
        final String[] toAlice = call[1].origin().split(" ");
        assertEquals("-", toBob[0]);
        assertEquals("1", toBob[2]);
        assertEquals(REFEREE, String.join(" ", toBob[3], toBob[4], toBob[5]));
        assertEquals("-", toAlice[0]);
        assertEquals("1", toAlice[2]);
        assertEquals(REFEREE, String.join(" ", toAlice[3], toAlice[4], toAlice[5]));
        assertNotEquals(toBob[1], toAlice[1], "each leg is a session of its own");
        assertTrue(toBob[1].matches("[1-9][0-9]*"), toBob[1]);
        assertEquals(SipPhone.media(SDP_ALICE), call[0].media(), "c= and m= still the far party's: media is not anchored");
        assertEquals(SipPhone.media(SDP_BOB), call[1].media());
        assertTrue(!call[0].body().contains("alice") && !call[1].body().contains("bob"), "no far username");
    }

    @Test
    void shouldMoveTheVersionOnForHoldAndResumeAndKeepTheSession()
    {
        final Sent[] call = establish();
        final String bobSession = session(call[0]);
        final String aliceSession = session(call[1]);

        harness.receive(CALLER, alice.reinvite(SDP_ALICE_HOLD));
        final Sent hold = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(bobSession, session(hold));
        assertEquals("2", version(hold), "hold changes the description");
        harness.receive(CALLEE, bob.answer(hold, 200, "OK", SDP_BOB_HELD));
        final Sent held = harness.expectOne(response(200, CALLER), "200 for hold");
        assertEquals(aliceSession, session(held));
        assertEquals("2", version(held));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        harness.receive(CALLER, alice.reinvite(SDP_ALICE));
        final Sent resume = harness.expectOne(request("INVITE", CALLEE), "resume");
        assertEquals(bobSession, session(resume));
        assertEquals("3", version(resume));
        harness.receive(CALLEE, bob.answer(resume, 200, "OK", SDP_BOB));
        final Sent resumed = harness.expectOne(response(200, CALLER), "200 for resume");
        assertEquals("3", version(resumed));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        // A session refresh with the description unchanged (RFC 4028 re-INVITE): the version stays.
        harness.receive(CALLER, alice.reinvite(SDP_ALICE));
        final Sent refresh = harness.expectOne(request("INVITE", CALLEE), "refresh");
        assertEquals("3", version(refresh));
        assertEquals(bobSession, session(refresh));
    }

    @Test
    void shouldKeepTheTransfereesSessionAcrossABlindTransfer()
    {
        final Sent[] call = establish();
        final String aliceSession = session(call[1]);
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, invite.destination);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        assertEquals(aliceSession, session(reinvite), "the same session although Carol's o= differs from Bob's");
        assertEquals("2", version(reinvite), "a new description: version + 1");
        assertEquals(REFEREE, address(reinvite));
        assertEquals(SipPhone.media(SDP_CAROL), reinvite.media());

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final Sent ackCarol = harness.drain().stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow();
        assertEquals("1", version(ackCarol), "Carol's leg is new: its own session, first version");
        assertNotEquals(aliceSession, session(ackCarol));
        assertNotEquals(session(call[0]), session(ackCarol), "not the transferor's leg's session either");
    }

    @Test
    void shouldKeepTheTransfereesSessionAcrossAnAttendedTransfer()
    {
        final Sent[] call = establish();
        final String aliceSession = session(call[1]);
        harness.receive(CALLEE, bobConsulting.invite("carol", "call-2@bob"));
        final Sent carolsInvite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst()
            .orElseThrow();
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        bobConsulting.learn(harness.expectOne(response(200, CALLEE), "200 of the consultation"));
        harness.receive(CALLEE, bobConsulting.ack());
        harness.drain();
        final String carolSession = session(carolsInvite);
        assertEquals("1", version(carolsInvite));

        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" +
            bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbob-tag", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no re-INVITE of the target: " + out));
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL.replace(" 42 IN", " 43 IN")));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        assertEquals(aliceSession, session(reinvite));
        assertEquals("2", version(reinvite));
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final Sent ackCarol = harness.drain().stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow();
        assertEquals(carolSession, session(ackCarol), "Carol's leg keeps its session too");
        assertEquals("2", version(ackCarol), "Alice's description replaces the consultation's (Bob's)");
    }

    /** A journal from before node-start version 3 replays as it was made: the far party's o= relayed unchanged. */
    @Test
    void shouldRelayTheOriginUnchangedForAJournalFromBeforeIt()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), 2));
        final Sent[] call = establish();
        assertEquals(SDP_ALICE, call[0].body());
        assertEquals(SDP_BOB, call[1].body());
    }

    private static String session(final Sent sent)
    {
        return sent.origin().split(" ")[1];
    }

    private static String version(final Sent sent)
    {
        return sent.origin().split(" ")[2];
    }

    private static String address(final Sent sent)
    {
        final String[] fields = sent.origin().split(" ");
        return fields[3] + " " + fields[4] + " " + fields[5];
    }
}
