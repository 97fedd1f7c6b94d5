package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The offer/answer machine of each leg (RFC 3264; RFC 6337 §2) as calls, re-INVITEs, CANCELs and transfers drive it:
 * the moves recorded, in order, and what it reports when a peer sends an offer or an answer it has no move for. The
 * caller's leg is leg 1, the callee's leg 2, a transfer target's leg 3.
 */
class OfferAnswerFlowTest
{
    private static final String SDP_CAROL = SipPhone.SDP.replace("m=audio 4000", "m=audio 6000");
    private static final String SDP_ALICE = SipPhone.SDP.replace("m=audio 4000", "m=audio 4002");

    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    @Test
    void shouldAgreeOnASessionWhenTheCallersOfferIsAnsweredInTheTwoHundred()
    {
        establish(alice.invite("bob", "call-1@alice"));
        assertEquals(List.of(
            "OFFER_ANSWER 1: NO_SESSION -> OFFER_RECEIVED (offer in INVITE received)",
            "OFFER_ANSWER 2: NO_SESSION -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 2: OFFER_SENT -> STABLE (answer in 2xx received)",
            "OFFER_ANSWER 1: OFFER_RECEIVED -> STABLE (answer in 2xx sent)"), offerAnswerMoves());
        assertEquals(List.of(), harness.transitions.unexpected);
    }

    @Test
    void shouldTakeTheOfferFromTheTwoHundredAndTheAnswerFromTheAckWhenTheCallerDidNotOffer()
    {
        harness.receive(CALLER, withoutBody(alice.invite("bob", "call-1@alice")));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE without offer");
        assertEquals("", invite.body());
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 with the callee's offer"));
        harness.receive(CALLER, withBody(alice.ack(), SDP_ALICE));
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK with the caller's answer");
        assertEquals(SipPhone.media(SDP_ALICE), ack.media());
        assertEquals(List.of(
            "OFFER_ANSWER 2: NO_SESSION -> OFFER_RECEIVED (offer in 2xx received)",
            "OFFER_ANSWER 1: NO_SESSION -> OFFER_SENT (offer in 2xx sent)",
            "OFFER_ANSWER 1: OFFER_SENT -> STABLE (answer in ACK received)",
            "OFFER_ANSWER 2: OFFER_RECEIVED -> STABLE (answer in ACK sent)"), offerAnswerMoves());
        assertEquals(List.of(), harness.transitions.unexpected);
    }

    @Test
    void shouldReturnToNoSessionWhenTheCallerCancels()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLER, alice.cancel());
        final Sent cancel = harness.expectOne(request("CANCEL", CALLEE), "CANCEL to callee");
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        assertEquals(List.of(
            "OFFER_ANSWER 1: NO_SESSION -> OFFER_RECEIVED (offer in INVITE received)",
            "OFFER_ANSWER 2: NO_SESSION -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 1: OFFER_RECEIVED -> NO_SESSION (INVITE cancelled)",
            "OFFER_ANSWER 2: OFFER_SENT -> NO_SESSION (INVITE cancelled)"), offerAnswerMoves());
        assertEquals(List.of(), harness.transitions.unexpected);
    }

    @Test
    void shouldKeepTheAgreedSessionWhenAReInviteIsRefused()
    {
        establish(alice.invite("bob", "call-1@alice"));
        harness.transitions.moves.clear();
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP_HOLD));
        final Sent hold = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(hold, 488, "Not Acceptable Here", null));
        harness.expectOne(response(488, CALLER), "488 relayed");
        assertEquals(List.of(
            "OFFER_ANSWER 1: STABLE -> OFFER_RECEIVED (offer in INVITE received)",
            "OFFER_ANSWER 2: STABLE -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 1: OFFER_RECEIVED -> STABLE (re-INVITE refused)",
            "OFFER_ANSWER 2: OFFER_SENT -> STABLE (re-INVITE refused)"), offerAnswerMoves());
    }

    @Test
    void shouldReportTheCrossingReInviteItAnswers491()
    {
        establish(alice.invite("bob", "call-1@alice"));
        harness.transitions.moves.clear();
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP_HOLD));
        final Sent hold = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP_HOLD));
        harness.expectOne(response(491, CALLEE), "491 for the crossing re-INVITE");
        assertEquals(List.of("OFFER_ANSWER 2 in OFFER_SENT: re-INVITE while an INVITE is under way on the call: 491"),
            harness.transitions.unexpected);
        assertEquals(1, harness.counters.get(EngineCounters.UNEXPECTED));

        // The exchange under way is not disturbed: Alice's hold is answered and both legs are stable again.
        harness.receive(CALLEE, bob.answer(hold, 200, "OK", SipPhone.SDP.replace("sendrecv", "recvonly")));
        harness.expectOne(response(200, CALLER), "200 for hold");
        assertEquals(List.of(
            "OFFER_ANSWER 1: STABLE -> OFFER_RECEIVED (offer in INVITE received)",
            "OFFER_ANSWER 2: STABLE -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 2: OFFER_SENT -> STABLE (answer in 2xx received)",
            "OFFER_ANSWER 1: OFFER_RECEIVED -> STABLE (answer in 2xx sent)"), offerAnswerMoves());
    }

    @Test
    void shouldCountAnAnswerWithNoOfferPendingAndRelayTheAckAsBefore()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        // The INVITE had the offer and the 200 the answer: an SDP in the ACK answers nothing (RFC 3261 §13.2.1).
        harness.receive(CALLER, withBody(alice.ack(), SDP_ALICE));
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK relayed as before");
        assertEquals(SipPhone.media(SDP_ALICE), ack.media());
        assertEquals(List.of(
            "OFFER_ANSWER 1 in STABLE: ACK with a body received",
            "OFFER_ANSWER 2 in STABLE: ACK with a body sent"), harness.transitions.unexpected);
        assertEquals(2, harness.counters.get(EngineCounters.UNEXPECTED));
    }

    @Test
    void shouldOfferTheTargetsSessionToTheTransfereeAndAnswerTheTargetInTheAck()
    {
        establish(alice.invite("bob", "call-1@alice"));
        harness.transitions.moves.clear();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, invite.destination);
        assertEquals("", invite.body(), "the target is called without offer");
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertEquals(List.of(
            "OFFER_ANSWER 3: NO_SESSION -> OFFER_RECEIVED (offer in 2xx received)",
            "OFFER_ANSWER 1: STABLE -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 1: OFFER_SENT -> STABLE (answer in 2xx received)",
            "OFFER_ANSWER 3: OFFER_RECEIVED -> STABLE (answer in ACK sent)"), offerAnswerMoves());
        assertEquals(List.of(), harness.transitions.unexpected);
    }

    @Test
    void shouldTakeTheOfferOfAnAttendedTargetFromTheTwoHundredToItsReInviteWithoutOffer()
    {
        establish(alice.invite("bob", "call-1@alice"));
        // Bob's consultation call to Carol: legs 3 (Bob's) and 4 (Carol's).
        final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
        harness.receive(CALLEE, bobConsulting.invite("carol", "call-2@bob"));
        final Sent carolsInvite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        bobConsulting.learn(harness.expectOne(response(200, CALLEE), "200 of the consultation"));
        harness.receive(CALLEE, bobConsulting.ack());
        harness.drain();
        harness.transitions.moves.clear();

        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" +
            bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbob-tag", null));
        final Sent solicit = harness.drain().stream().filter(s -> s.isRequest("INVITE") &&
            s.destination.equals(TARGET)).findFirst().orElseThrow();
        assertEquals("", solicit.body(), "Carol's dialog is re-INVITEd without offer");
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertEquals(List.of(
            "OFFER_ANSWER 4: STABLE -> OFFER_RECEIVED (offer in 2xx received)",
            "OFFER_ANSWER 1: STABLE -> OFFER_SENT (offer in INVITE sent)",
            "OFFER_ANSWER 1: OFFER_SENT -> STABLE (answer in 2xx received)",
            "OFFER_ANSWER 4: OFFER_RECEIVED -> STABLE (answer in ACK sent)"), offerAnswerMoves());
        assertEquals(List.of(), harness.transitions.unexpected);
    }

    @Test
    void shouldReportATargetThatAnswersWithoutAnOffer()
    {
        establish(alice.invite("bob", "call-1@alice"));
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", null));
        assertEquals(List.of("OFFER_ANSWER 3 in NO_SESSION: 2xx without a body received"),
            harness.transitions.unexpected);
    }

    private void establish(final String callerInvite)
    {
        harness.receive(CALLER, callerInvite);
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 to caller"));
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to callee");
    }

    private List<String> offerAnswerMoves()
    {
        return harness.transitions.moves.stream().filter(move -> move.startsWith("OFFER_ANSWER ")).toList();
    }

    private static String withoutBody(final String message)
    {
        return message.substring(0, message.indexOf("Content-Type:")) + "Content-Length: 0\r\n\r\n";
    }

    private static String withBody(final String message, final String sdp)
    {
        return message.replace("Content-Length: 0\r\n\r\n",
            "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
    }
}
