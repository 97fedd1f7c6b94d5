package dev.referee.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A re-INVITE without offer relayed from one leg to the other: the offer comes in the 2xx, the answer in the ACK
 * (RFC 3261 §14.1). Not among SnapshotEquivalenceTest's flows on purpose: a snapshot taken between that 2xx and its
 * ACK does not tell that the re-INVITE had no offer, so the restored legs are STABLE where the original's have the
 * offer open (OfferAnswerRestore says so); everything else of the flow restores exactly.
 */
class OfferlessReInviteRelayTest
{
    private static final String SDP_ALICE = SipPhone.SDP.replace("m=audio 4000", "m=audio 4002");

    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @Test
    void shouldRelayAReInviteWithoutOfferWithTheOfferInTheTwoHundredAndTheAnswerInTheAck()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 to caller"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.transitions.moves.clear();

        final String reinvite = alice.reinvite(SipPhone.SDP);
        harness.receive(CALLER, reinvite.substring(0, reinvite.indexOf("Content-Type:")) + "Content-Length: 0\r\n\r\n");
        final Sent relayed = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals("", relayed.body());
        harness.receive(CALLEE, bob.answer(relayed, 200, "OK", SipPhone.SDP));
        harness.expectOne(response(200, CALLER), "200 with Bob's offer");
        harness.receive(CALLER, alice.ack().replace("Content-Length: 0\r\n\r\n",
            "Content-Type: application/sdp\r\nContent-Length: " + SDP_ALICE.length() + "\r\n\r\n" + SDP_ALICE));
        assertEquals(SipPhone.media(SDP_ALICE), harness.expectOne(request("ACK", CALLEE), "ACK with Alice's answer").media());
        assertEquals(List.of(
            "OFFER_ANSWER 2: STABLE -> OFFER_RECEIVED (offer in 2xx received)",
            "OFFER_ANSWER 1: STABLE -> OFFER_SENT (offer in 2xx sent)",
            "OFFER_ANSWER 1: OFFER_SENT -> STABLE (answer in ACK received)",
            "OFFER_ANSWER 2: OFFER_RECEIVED -> STABLE (answer in ACK sent)"),
            harness.transitions.moves.stream().filter(move -> move.startsWith("OFFER_ANSWER ")).toList());
        assertEquals(List.of(), harness.transitions.unexpected);
    }
}
