package dev.referee.engine;

import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attended and blonde transfer (RFC 5589 §7): Bob talks to Alice (call 1) and calls Carol through Referee (call 2),
 * then sends REFER with Replaces naming the consultation dialog. Referee joins Alice to Carol's existing leg.
 */
class AttendedTransferTest
{
    private static final java.net.InetSocketAddress DAVE = new java.net.InetSocketAddress("127.0.0.1", 5080);
    private static final String SDP_CAROL = SipPhone.SDP.replace("m=audio 4000", "m=audio 6000");
    private static final String SDP_ALICE = SipPhone.SDP.replace("m=audio 4000", "m=audio 4002");

    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    /** Bob's second line: the consultation call he places to Carol. */
    private final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);
    /** A third phone on the host of the call's parties, which may take a leg of it over (RFC 3891). */
    private final SipPhone dave = new SipPhone("dave", DAVE);
    private Sent carolsInvite;

    private void aliceCallsBob()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }

    private void bobCallsCarol(final boolean answer)
    {
        harness.receive(CALLEE, bobConsulting.invite("carol", "call-2@bob"));
        carolsInvite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, carolsInvite.destination);
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 180, "Ringing", null));
        bobConsulting.learn(harness.drain().stream().filter(s -> s.isResponse(180)).findFirst().orElseThrow());
        if (answer)
        {
            harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
            bobConsulting.learn(harness.expectOne(response(200, CALLEE), "200 of the consultation"));
            harness.receive(CALLEE, bobConsulting.ack());
            harness.drain();
        }
    }

    /** The transferor answers its NOTIFYs 200, as a phone does (the next one waits for that: RFC 6665). */
    private void answerNotifies(final List<Sent> out, final SipPhone phone, final java.net.InetSocketAddress from)
    {
        out.stream().filter(s -> s.isRequest("NOTIFY")).forEach(
            notify -> harness.receive(from, phone.answer(notify, 200, "OK", null)));
    }

    /** Replaces as Bob sees his consultation dialog: his Call-ID, Referee's tag (to-tag), his tag (from-tag). */
    private String consultationReplaces()
    {
        return "sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" + bobConsulting.remoteTag() +
            "%3Bfrom-tag%3Dbob-tag";
    }

    /**
     * Engine fuzz finding (2026-12-04, after 1,816,557 inputs of one worker): the transferor's ACK for the
     * consultation's 200 came late, after the REFER, while Referee held the ACK it owed the target for the target's
     * offer (the join's answer goes in it). The late ACK was relayed into the target's held ACK, without a body, and
     * the join then sent the target a second ACK with "CSeq: -1". Now the held ACK stays the transfer's.
     */
    @Test
    void shouldKeepTheTargetsAckForTheJoinWhenTheTransferorsAckComesLate()
    {
        aliceCallsBob();
        harness.receive(CALLEE, bobConsulting.invite("carol", "call-2@bob"));
        carolsInvite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        bobConsulting.learn(harness.expectOne(response(200, CALLEE), "200 of the consultation"));
        harness.drain(); // Bob's ACK is late: it comes after his REFER

        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> out = harness.drain();
        answerNotifies(out, bob, CALLEE);
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("the target is re-INVITEd without offer: " + out));
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent join = harness.expectOne(request("INVITE", CALLER), "the join re-INVITE of Alice");

        harness.receive(CALLEE, bobConsulting.ack());
        final List<Sent> afterLateAck = harness.drain();
        assertTrue(afterLateAck.stream().noneMatch(s -> s.isRequest("ACK") && s.destination.equals(TARGET)),
            () -> "the target's ACK waits for Alice's answer: " + afterLateAck);

        harness.receive(CALLER, alice.answer(join, 200, "OK", SipPhone.SDP));
        final List<Sent> acks = harness.drain().stream()
            .filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET)).toList();
        assertEquals(1, acks.size(), acks::toString);
        assertEquals(solicit.cseq(), acks.get(0).cseq(), "the ACK of the target's re-INVITE");
        assertTrue(acks.get(0).body().contains("v=0"), "with Alice's answer");
    }

    /** Replaces naming the original call as Bob sees it (his REFER on the consultation call, RFC 5589 §7.3). */
    private String originalReplaces()
    {
        return "sip:alice@example.com?Replaces=call-1%40alice%3Bto-tag%3Dbob-tag%3Bfrom-tag%3D" + bob.remoteTag();
    }

    /**
     * Engine fuzz finding (2026-12-04, after 319,662 inputs): crossed attended transfers, each REFER naming the other
     * call in Replaces, both went on over the same four legs; one joined them, the other's recall joined them again,
     * and a call was never released. A call takes part in one transfer at a time: the second REFER gets 491.
     */
    @Test
    void shouldRefuseAReferWhoseCallIsReplacedByATransferUnderWay()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> accepted = harness.drain();
        assertTrue(accepted.stream().anyMatch(s -> s.isResponse(202)), accepted::toString);
        answerNotifies(accepted, bob, CALLEE);
        final Sent solicit = accepted.stream().filter(request("INVITE", TARGET)).findFirst().orElseThrow();

        harness.receive(CALLEE, bobConsulting.refer(originalReplaces(), null));
        final List<Sent> crossed = harness.drain();
        assertTrue(crossed.stream().anyMatch(s -> s.isResponse(491) && s.destination.equals(CALLEE)),
            "the consultation call is being replaced: " + crossed);
        assertTrue(crossed.stream().noneMatch(s -> s.isRequest("INVITE")), crossed::toString);

        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent join = harness.expectOne(request("INVITE", CALLER), "the join re-INVITE of Alice");
        harness.receive(CALLER, alice.answer(join, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        answerNotifies(joined, bob, CALLEE);
        joined.stream().filter(request("BYE", CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bobConsulting.answer(bye, 200, "OK", null)));
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        assertEquals(1, harness.engine.activeCalls(), "Alice talks to Carol: " + harness.state());
        harness.receive(CALLER, alice.bye());
        harness.drain().stream().filter(request("BYE", TARGET))
            .forEach(bye -> harness.receive(TARGET, carol.answer(bye, 200, "OK", null)));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * Engine fuzz finding (2026-12-04, after 3,935,639 inputs of one worker): a takeover of the consultation dialog
     * while the transfer asked the target for an offer re-INVITEd the target a second time (two INVITEs of Referee's
     * under way on one dialog); the transfer took the target's answer and joined it, and the picker's leg stayed for
     * good in a call of its own. Now the takeover gets 491, as a second INVITE would cross the first (RFC 3261 §14.1).
     */
    @Test
    void shouldRefuseATakeoverOfTheConsultationWhileTheTargetIsAskedForAnOffer()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> accepted = harness.drain();
        answerNotifies(accepted, bob, CALLEE);
        assertTrue(accepted.stream().anyMatch(request("INVITE", TARGET)), "Carol is asked for an offer: " + accepted);

        harness.receive(DAVE, dave.invite("carol", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: call-2@bob;to-tag=" + bobConsulting.remoteTag() + ";from-tag=bob-tag\r\n"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(491) && s.destination.equals(DAVE)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE") || s.isRequest("BYE")), out::toString);
    }

    /**
     * The same once Carol answered with her offer: Referee holds her ACK until Alice answers the join, so the INVITE
     * asking Carol for an offer is not over (RFC 3261 §14.1). A takeover then would re-INVITE Carol before that ACK,
     * which then went out without a CSeq ("CSeq: -1", an engine fuzz finding): it gets 491, and the join completes
     * with Carol's ACK in her INVITE's CSeq.
     */
    @Test
    void shouldRefuseATakeoverOfTheConsultationWhileTheTargetsAckIsHeldForTheJoin()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> accepted = harness.drain();
        answerNotifies(accepted, bob, CALLEE);
        final Sent solicit = accepted.stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("Carol is asked for an offer: " + accepted));
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent join = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");

        harness.receive(DAVE, dave.invite("carol", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: call-2@bob;to-tag=" + bobConsulting.remoteTag() + ";from-tag=bob-tag\r\n"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(491) && s.destination.equals(DAVE)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE") || s.isRequest("BYE") || s.isRequest("ACK")),
            out::toString);

        harness.receive(CALLER, alice.answer(join, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        final Sent ackCarol = joined.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no ACK to Carol: " + joined));
        assertTrue(ackCarol.text.contains("\r\nCSeq: " + solicit.cseq() + " ACK\r\n"), ackCarol.text);
    }

    /** The other way round: Replaces naming a dialog of a call whose own transfer is under way gets 491. */
    @Test
    void shouldRefuseAReplacesNamingACallInATransfer()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        harness.receive(CALLEE, bobConsulting.refer("sip:alice@example.com", null));
        final List<Sent> blind = harness.drain();
        assertTrue(blind.stream().anyMatch(s -> s.isResponse(202)), blind::toString);
        assertTrue(blind.stream().anyMatch(request("INVITE", CALLER)), "Alice is called for Carol: " + blind);
        answerNotifies(blind, bobConsulting, CALLEE);

        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(491) && s.destination.equals(CALLEE)),
            "Carol's call is in a transfer: " + out);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE") && s.destination.equals(TARGET)), out::toString);
    }

    @Test
    void shouldJoinTheTransfereeToTheTargetsExistingLeg()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202)), out::toString);
        answerNotifies(out, bob, CALLEE);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE") && s.destination.equals(TARGET) &&
            !s.toTag().equals("carol-tag")), "no new INVITE to the target: " + out);
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no re-INVITE of the target: " + out));
        assertEquals("carol-tag", solicit.toTag(), "a re-INVITE in Carol's existing dialog");
        assertEquals("", solicit.body(), "without offer: Carol's answer brings one");

        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        assertEquals(SipPhone.media(SDP_CAROL), reinvite.media());
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        final Sent ackCarol = joined.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no ACK to Carol: " + joined));
        assertEquals(SipPhone.media(SDP_ALICE), ackCarol.media());
        assertTrue(joined.stream().anyMatch(s -> s.isRequest("NOTIFY") && s.body().startsWith("SIP/2.0 200")));
        final Sent byeConsultation = joined.stream().filter(s -> s.isRequest("BYE") && s.callId().equals("call-2@bob"))
            .findFirst().orElseThrow(() -> new AssertionError("the consultation dialog is released: " + joined));
        assertTrue(joined.stream().noneMatch(s -> s.isRequest("BYE") && !s.callId().equals("call-2@bob")),
            "the original dialog waits for the transferor's own BYE: " + joined);
        harness.receive(CALLEE, bob.bye());

        // Alice and Carol are joined: Carol's BYE goes to Alice.
        harness.receive(CALLEE, bobConsulting.answer(byeConsultation, 200, "OK", null));
        harness.receive(TARGET, carol.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLER, bye.destination);
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
        assertTrue(harness.events.contains("transfer-started 1 attended"), harness.events::toString);
        assertTrue(harness.events.containsAll(List.of("leg-added 1 consultation", "leg-added 1 target")),
            "the journal joins the consultation's legs to the transferred call: " + harness.events);
    }

    @Test
    void shouldAlsoWorkWhenTheReferGoesToTheTargetNamingTheOriginalDialog()
    {
        aliceCallsBob();
        bobCallsCarol(true);
        // RFC 5589 §7.3: REFER on the consultation call, naming the original dialog as Bob sees it.
        final String referTo = "sip:alice@example.com?Replaces=call-1%40alice%3Bto-tag%3Dbob-tag%3Bfrom-tag%3D" +
            bob.remoteTag();
        harness.receive(CALLEE, bobConsulting.refer(referTo, null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202)), out::toString);
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(CALLER, solicit.destination, "Alice's dialog is asked for an offer");
        harness.receive(CALLER, alice.answer(solicit, 200, "OK", SDP_ALICE));
        final Sent reinvite = harness.expectOne(request("INVITE", TARGET), "re-INVITE of Carol");
        assertEquals(SipPhone.media(SDP_ALICE), reinvite.media());
        harness.receive(TARGET, carol.answer(reinvite, 200, "OK", SDP_CAROL));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLER) &&
            s.media().equals(SipPhone.media(SDP_CAROL))));
    }

    @Test
    void shouldJoinWhenTheRingingTargetAnswersInABlondeTransfer()
    {
        aliceCallsBob();
        bobCallsCarol(false);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        final List<Sent> accepted = harness.drain();
        assertTrue(accepted.stream().anyMatch(s -> s.isResponse(202)));
        answerNotifies(accepted, bob, CALLEE);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(487) && s.destination.equals(CALLEE)),
            "Bob's consultation INVITE ends: " + out);
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(TARGET)), out::toString);
        final Sent solicit = out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET))
            .findFirst().orElseThrow();
        harness.receive(TARGET, carol.answer(solicit, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of Alice");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        assertTrue(joined.stream().anyMatch(s -> s.isRequest("NOTIFY") && s.body().startsWith("SIP/2.0 200")));
        assertTrue(harness.events.contains("transfer-started 1 blonde"), harness.events::toString);
    }

    /** Engine fuzz finding: the transferee's BYE gave up the consultation's INVITE, leaving its call never released. */
    @Test
    void shouldLeaveTheRingingConsultationToTheTransferorWhenTheTransfereeHangsUp()
    {
        aliceCallsBob();
        bobCallsCarol(false);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        answerNotifies(harness.drain(), bob, CALLEE);
        harness.receive(CALLER, alice.bye());
        final List<Sent> out = harness.drain();
        answerNotifies(out, bob, CALLEE);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("CANCEL")), "Carol still rings for Bob: " + out);

        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SDP_CAROL));
        bobConsulting.learn(harness.expectOne(response(200, CALLEE), "Bob's consultation call is answered"));
        harness.receive(CALLEE, bobConsulting.ack());
        harness.receive(CALLEE, bobConsulting.bye());
        final Sent bye = harness.drain().stream().filter(request("BYE", TARGET)).findFirst().orElseThrow();
        harness.receive(TARGET, carol.answer(bye, 200, "OK", null));
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * Engine fuzz finding (issue 7): during a blonde transfer a third phone took over the transferee's leg, then
     * cancelled its INVITE, and the transferor hung up (its BYE taken by the transfer under way, the transferee being
     * gone already): the call stayed with its two legs, counted against its trunk, for good.
     */
    @Test
    void shouldEndTheCallWhenATakeoverOfTheTransfereeIsCancelledAndTheTransferorHangsUp()
    {
        aliceCallsBob();
        bobCallsCarol(false);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        answerNotifies(harness.drain(), bob, CALLEE);

        // Dave takes Alice's place (Replaces names her dialog as she sees it), then gives up before Bob answers.
        harness.receive(DAVE, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: call-1@alice;to-tag=" + alice.remoteTag() + ";from-tag=alice-tag\r\n"));
        final List<Sent> takeover = harness.drain();
        assertTrue(takeover.stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(CALLEE)),
            "Bob is re-INVITEd for Dave: " + takeover);
        takeover.stream().filter(request("BYE", CALLER))
            .forEach(bye -> harness.receive(CALLER, alice.answer(bye, 200, "OK", null)));
        harness.receive(DAVE, dave.cancel());
        harness.receive(CALLEE, bob.bye());
        harness.drain().stream().filter(request("BYE", CALLEE))
            .forEach(bye -> harness.receive(CALLEE, bob.answer(bye, 200, "OK", null)));
        assertEquals(1, harness.engine.activeCalls(), "only Bob's consultation call is left: " + harness.state());

        // Bob gives up his consultation; Carol never answers.
        harness.receive(CALLEE, bobConsulting.cancel());
        harness.drain().stream().filter(request("CANCEL", TARGET)).forEach(cancel -> {
            harness.receive(TARGET, carol.answer(cancel, 200, "OK", null));
            harness.receive(TARGET, carol.answer(carolsInvite, 487, "Request Terminated", null));
        });
        for (int second = 0; second < 300 && !harness.isIdle(); second++)
        {
            harness.advanceMs(1_000, 1_000);
        }
        assertTrue(harness.isIdle(), harness.state());
        assertEquals(0, harness.counters.trunks().total(TrunkCounters.CALLS), "every call left its trunk's count");
    }

    /**
     * The same, the transferor hanging up first: its BYE is the transfer's, the picker's CANCEL then leaves nobody to
     * hang up, and only the rule that a call nobody is left in ends releases it (EngineConfig.endsCallsNobodyIsLeftIn).
     */
    @Test
    void shouldEndTheCallWhenTheTransferorHangsUpAndThenATakeoverOfTheTransfereeIsCancelled()
    {
        aliceCallsBob();
        bobCallsCarol(false);
        harness.receive(CALLEE, bob.refer(consultationReplaces(), null));
        answerNotifies(harness.drain(), bob, CALLEE);
        harness.receive(DAVE, dave.invite("bob", "takeover@dave").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: call-1@alice;to-tag=" + alice.remoteTag() + ";from-tag=alice-tag\r\n"));
        harness.drain().stream().filter(request("BYE", CALLER))
            .forEach(bye -> harness.receive(CALLER, alice.answer(bye, 200, "OK", null)));
        harness.receive(CALLEE, bob.bye());
        harness.receive(DAVE, dave.cancel());
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(487) && s.destination.equals(DAVE)), out::toString);
        assertEquals(1, harness.engine.activeCalls(), "only Bob's consultation call is left: " + harness.state());
        assertEquals(1, harness.counters.trunks().total(TrunkCounters.CALLS), "the ended call left its trunk's count");
    }

    @Test
    void shouldSendOnAReplacesThatNamesNoDialogOfReferees()
    {
        aliceCallsBob();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=other%40pbx%3Bto-tag%3Dx%3Bfrom-tag%3Dy",
            null));
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, invite.destination);
        assertEquals("other@pbx;to-tag=x;from-tag=y", invite.header(HeaderName.REPLACES));
        assertTrue(invite.firstLine().startsWith("INVITE sip:carol@127.0.0.1:5064 "), invite.firstLine());
    }
}
