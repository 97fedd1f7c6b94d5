package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.OnTransferFailure;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.sip.HeaderName;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blind transfer (RFC 5589 §6.1) performed by Referee: 202, NOTIFY progress, INVITE target, re-INVITE transferee. */
class BlindTransferTest
{
    private static final String SDP_CAROL = SipPhone.SDP.replace("m=audio 4000", "m=audio 6000");
    private static final String SDP_ALICE = SipPhone.SDP.replace("m=audio 4000", "m=audio 4002");

    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    private void establish()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }

    /** Bob sends REFER; returns the INVITE Referee sends the target, after checking 202 and NOTIFY 100. */
    private Sent bobRefersToCarol(final String extraHeaders)
    {
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", extraHeaders));
        final List<Sent> out = harness.drain();
        final Sent accepted = out.stream().filter(s -> s.isResponse(202)).findFirst().orElseThrow(
            () -> new AssertionError("no 202: " + out));
        assertEquals(CALLEE, accepted.destination);
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElseThrow();
        assertEquals(CALLEE, notify.destination);
        assertEquals("refer", notify.header(HeaderName.EVENT));
        assertEquals("message/sipfrag;version=2.0", notify.header(HeaderName.CONTENT_TYPE));
        assertEquals("SIP/2.0 100 Trying\r\n", notify.body());
        assertTrue(notify.header(HeaderName.SUBSCRIPTION_STATE).startsWith("active"));
        harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)); // a phone answers its NOTIFYs
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, invite.destination);
        return invite;
    }

    /** Carol answers with an offer; Alice gets it in a re-INVITE and answers; returns the ACK Carol gets. */
    private Sent carolAnswersAndAliceIsJoined(final Sent invite)
    {
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        assertEquals(SipPhone.media(SDP_CAROL), reinvite.media(), "the target's offer goes to the transferee");
        assertEquals("call-1@alice", reinvite.callId());
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> out = harness.drain();
        final Sent ackAlice = out.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(CALLER))
            .findFirst().orElseThrow(() -> new AssertionError("no ACK to the transferee: " + out));
        assertEquals(reinvite.cseq(), ackAlice.cseq());
        final Sent ackCarol = out.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no ACK to the target: " + out));
        assertEquals(SipPhone.media(SDP_ALICE), ackCarol.media(), "the transferee's answer goes to the target in the ACK");
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElse(null);
        if (notify != null)
        {
            assertEquals("SIP/2.0 200 OK\r\n", notify.body());
            assertEquals("terminated;reason=noresource", notify.header(HeaderName.SUBSCRIPTION_STATE));
        }
        return ackCarol;
    }

    @Test
    void shouldTransferTheCallerWhenTheCalleeRefers()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        assertEquals("", invite.body(), "INVITE without offer: the target's answer brings one");
        assertTrue(invite.header(HeaderName.FROM).contains("sip:alice@"), "the transferee's identity in From");
        assertTrue(invite.header(HeaderName.REFERRED_BY).contains("sip:bob@"), "Referred-By made from the transferor");
        assertTrue(invite.header(HeaderName.TO).contains("sip:carol@example.com"));

        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 180, "Ringing", null));
        final Sent ringing = harness.expectOne(request("NOTIFY", CALLEE), "NOTIFY 180");
        assertEquals("SIP/2.0 180 Ringing\r\n", ringing.body());
        harness.receive(CALLEE, bob.answer(ringing, 200, "OK", null));

        carolAnswersAndAliceIsJoined(invite);
        harness.receive(CALLEE, bob.bye());
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("BYE")), "the transferor's BYE ends only its leg");
        assertEquals(1, harness.engine.activeCalls(), "the transferee and the target talk");

        // Carol and Alice are joined: a BYE from Carol reaches Alice.
        harness.receive(TARGET, carol.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLER, bye.destination);
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
        assertEquals(List.of(
            "created 1 parent=0 from=\"alice\" <sip:alice@127.0.0.1:5070> to=<sip:bob@127.0.0.1:5060>",
            "answered 1",
            "refer 1 to=sip:carol@example.com",
            "transfer-started 1 blind",
            "leg-added 1 target",
            "transfer-ringing 1 180",
            "created 2 parent=1 from=\"alice\" <sip:alice@127.0.0.1:5070> to=<sip:carol@example.com>",
            "answered 2",
            "transfer-completed 1 new=2",
            "ended 1 transferred 0",
            "ended 2 callee-bye 0"), harness.events);
    }

    /** Phones write Refer-To in every form RFC 3515 allows: compact name, addr-spec without brackets, display name. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "r: <sip:carol@example.com>",
        "Refer-To: sip:carol@example.com",
        "refer-to:   \"Carol\" <sip:carol@example.com>",
        "R:sip:carol@example.com" })
    void shouldTransferWhateverFormTheReferToHeaderTakes(final String referTo)
    {
        establish();
        final String refer = bob.refer("sip:carol@example.com", null)
            .replace("Refer-To: <sip:carol@example.com>", referTo);
        assertTrue(refer.contains(referTo), refer);
        harness.receive(CALLEE, refer);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202)), out::toString);
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the target: " + out));
        assertEquals(TARGET, invite.destination);
        assertTrue(invite.firstLine().startsWith("INVITE sip:carol@"), invite.firstLine());
    }

    @Test
    void shouldTransferTheCalleeWhenTheCallerRefers()
    {
        establish();
        harness.receive(CALLER, alice.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202) && s.destination.equals(CALLER)), out::toString);
        final Sent trying = out.stream().filter(s -> s.isRequest("NOTIFY") && s.destination.equals(CALLER))
            .findFirst().orElseThrow();
        harness.receive(CALLER, alice.answer(trying, 200, "OK", null));
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertTrue(invite.header(HeaderName.FROM).contains("sip:bob@"), "the transferee is Bob now");
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLEE), "re-INVITE of Bob");
        harness.receive(CALLEE, bob.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> joined = harness.drain();
        assertTrue(joined.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(TARGET)));
        assertTrue(joined.stream().anyMatch(s -> s.isRequest("NOTIFY") && s.body().startsWith("SIP/2.0 200")));
    }

    @Test
    void shouldReportBusyTargetAndKeepTheOriginalCallJoined()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        final List<Sent> out = harness.drain();
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElseThrow();
        assertEquals("SIP/2.0 486 Busy Here\r\n", notify.body());
        assertEquals("terminated;reason=noresource", notify.header(HeaderName.SUBSCRIPTION_STATE));
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(TARGET)));
        // The transferor takes the transferee back off hold: the re-INVITE is relayed as usual.
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(CALLER)));
        assertTrue(harness.events.contains("transfer-failed 1 486 the target answered 486"), harness.events::toString);
    }

    /**
     * A target's reason phrase is the peer's text: a long one used to overflow the NOTIFY's fixed sipfrag buffer,
     * throw inside the engine and leave the call stuck (issue 7). It is cut deliberately now.
     */
    @Test
    void shouldReportATargetsVeryLongReasonPhraseCutAndKeepTheCallJoined()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carol.accept(invite);
        final String reason = "Busy " + "x".repeat(1_000);
        harness.receive(TARGET, carol.answer(invite, 486, reason, null));
        final List<Sent> out = harness.drain();
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElseThrow();
        assertTrue(notify.body().startsWith("SIP/2.0 486 Busy xxx"), notify.body());
        assertTrue(notify.body().endsWith("\r\n") && notify.body().length() <= 128, notify.body());
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(TARGET)));
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(CALLER)));
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldKeepTheTransfereeWhenTheTransferorHangsUpAtOnce()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        harness.receive(CALLEE, bob.bye());
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE)));
        assertTrue(out.stream().noneMatch(s -> s.isRequest("BYE")), "the transferee is not hung up: " + out);
        carolAnswersAndAliceIsJoined(invite);
        assertEquals(1, harness.engine.activeCalls());
        assertEquals("ended 1 transferred 0", harness.events.get(harness.events.size() - 1));
    }

    /**
     * The target answers, then hangs up before the transferee answered the join: only the target's leg ends, the
     * transfer fails (NOTIFY 487), and the call Alice and Bob had goes on. Found by the engine fuzz target: the
     * target's BYE released the whole call, and the join went on into a call that was never released.
     */
    @Test
    void shouldFailTheTransferAndKeepTheCallWhenTheTargetHangsUpBeforeTheJoin()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        harness.receive(TARGET, carol.bye());
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(TARGET)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("BYE")), "nobody else is hung up: " + out);
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst()
            .orElseThrow(() -> new AssertionError("the transferor is told: " + out));
        assertEquals("SIP/2.0 487 Request Terminated\r\n", notify.body());
        harness.receive(CALLEE, bob.answer(notify, 200, "OK", null));

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLER)),
            "the transferee's 2xx is acknowledged");
        assertEquals(1, harness.engine.activeCalls(), "Alice and Bob's call goes on");
        harness.receive(CALLEE, bob.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLER, bye.destination, "Bob's BYE reaches Alice: they were still joined");
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /** Bob transfers Alice to Carol and hangs up, Carol is busy: returns the INVITE that calls Bob back. */
    private Sent recallAfterTheTargetIsBusy()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        return harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
    }

    @Test
    void shouldRecallTheTransferorWhenTheTargetFailsAfterItHungUp()
    {
        final Sent recall = recallAfterTheTargetIsBusy();
        assertEquals(CALLEE, recall.destination, "the transferor is called back");
        assertEquals("", recall.body());
        final SipPhone bobAgain = new SipPhone("bob", CALLEE).accept(recall);
        harness.receive(CALLEE, bobAgain.answer(recall, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)));
        assertEquals(1, harness.engine.activeCalls(), "the transferee talks to the transferor again");
        assertTrue(harness.events.containsAll(List.of("leg-added 1 target", "leg-added 1 recall")),
            "the journal names the target's leg and the recall's: " + harness.events);
    }

    @Test
    void shouldJoinTheRecalledTransferorOnceWhenItsAnswerIsRetransmitted()
    {
        final Sent recall = recallAfterTheTargetIsBusy();
        final SipPhone bobAgain = new SipPhone("bob", CALLEE).accept(recall);
        final String answer = bobAgain.answer(recall, 200, "OK", SDP_CAROL);
        harness.receive(CALLEE, answer);
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        // Bob's 200 again (its Timer G, no ACK yet: Referee waits for Alice's answer to put it in the ACK).
        harness.receive(CALLEE, answer);
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("INVITE")), "the transferee is joined once");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)));
        harness.receive(CALLEE, answer); // and once more after the ACK: acknowledged again, nothing else
        final List<Sent> after = harness.drain();
        assertTrue(after.stream().noneMatch(s -> s.isRequest("INVITE")), after::toString);
        assertTrue(after.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)), after::toString);
    }

    /**
     * The recalled transferor hangs up before Referee has acknowledged its answer (Referee waits for the transferee's
     * answer to the join re-INVITE to put it in the ACK): the call ends, the transferee is hung up, and the transferor
     * is not called back a second time (seen under load in `referee demo`: a recall loop).
     */
    @Test
    void shouldEndTheCallWhenTheRecalledTransferorHangsUpDuringTheJoin()
    {
        final Sent recall = recallAfterTheTargetIsBusy();
        final SipPhone bobAgain = new SipPhone("bob", CALLEE).accept(recall);
        harness.receive(CALLEE, bobAgain.answer(recall, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");

        harness.receive(CALLEE, bobAgain.bye()); // before Referee's ACK of the recall's 200
        final List<Sent> afterBye = harness.drain();
        assertTrue(afterBye.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE)), "BYE answered");
        assertTrue(afterBye.stream().noneMatch(s -> s.isRequest("INVITE")), "no second recall: " + afterBye);

        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        final List<Sent> out = new java.util.ArrayList<>(afterBye);
        out.addAll(harness.drain());
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE")), "no second recall: " + out);
        final Sent bye = out.stream().filter(s -> s.isRequest("BYE") && s.destination.equals(CALLER)).findFirst()
            .orElseThrow(() -> new AssertionError("the transferee is hung up: " + out));
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldHangUpTheTransfereeWhenOnFailureIsHangup()
    {
        harness = new EngineHarness(new TransferConfig(202, 32_000, 60_000,
            OnTransferFailure.HANGUP), List.of());
        establish();
        final Sent invite = bobRefersToCarol(null);
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 603, "Decline", null));
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLER, bye.destination);
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldAnswerRequestPendingToASecondReferDuringATransfer()
    {
        establish();
        bobRefersToCarol(null);
        harness.receive(CALLER, alice.refer("sip:carol@example.com", null));
        final Sent pending = harness.expectOne(response(491, CALLER), "491");
        assertTrue(pending.text.contains("Reason: SIP;cause=491"));
    }

    @Test
    void shouldSendNoNotifyWhenReferSubIsFalse()
    {
        establish();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", "Refer-Sub: false\r\nSupported: norefersub\r\n"));
        final List<Sent> out = harness.drain();
        final Sent accepted = out.stream().filter(s -> s.isResponse(202)).findFirst().orElseThrow();
        assertEquals("false", accepted.header(HeaderName.REFER_SUB));
        assertTrue(out.stream().noneMatch(s -> s.isRequest("NOTIFY")), out::toString);
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SDP_ALICE));
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("NOTIFY")));
    }

    @Test
    void shouldAcceptWith200WhenConfigured()
    {
        harness = new EngineHarness(new TransferConfig(200, 32_000, 60_000,
            OnTransferFailure.RECALL), List.of());
        establish();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isResponse(200) && s.message.cseqMethod() ==
            dev.referee.sip.SipMethod.REFER));
    }

    @Test
    void shouldRefuseAPstnTargetWithForbidden()
    {
        establish();
        harness.receive(CALLEE, bob.refer("sip:+19005550100@example.com;user=phone", null));
        final Sent refused = harness.expectOne(response(403, CALLEE), "403");
        assertTrue(refused.text.contains("Reason: SIP;cause=403;text=\"PSTN transfer target not allowed\""),
            refused.text);
        assertTrue(harness.events.contains("refused 1 403 PSTN transfer target not allowed"));
        harness.receive(CALLEE, bob.refer("tel:+15550100", null));
        harness.expectOne(response(403, CALLEE), "403 for tel:");
    }

    @Test
    void shouldApplyTheTrunkPolicyOfTheSourceAddress()
    {
        final TrunkConfig pbx = new TrunkConfig("pbx", List.of(Cidr.parse("127.0.0.1/32")),
            new TrunkTransferPolicy(TransferMode.TERMINATE, true,
                List.of(Pattern.compile("\\+1[0-9]{7}")), null));
        harness = new EngineHarness(TransferConfig.defaults(), List.of(pbx));
        establish();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final Sent refused = harness.expectOne(response(403, CALLEE), "carol is not an allowed target");
        assertTrue(refused.text.contains("transfer target not allowed"));
        harness.receive(CALLEE, bob.refer("sip:+15550100@example.com", null));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isResponse(202)), "PSTN allowed, and this number too");
    }

    @Test
    void shouldRelayTheReferWhenTheTrunkRelays()
    {
        final TrunkConfig relay = new TrunkConfig("relay",
            List.of(Cidr.parse("127.0.0.0/8")), new TrunkTransferPolicy(
            TransferMode.RELAY, false, List.of(), null));
        harness = new EngineHarness(TransferConfig.defaults(), List.of(relay));
        establish();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final Sent refer = harness.expectOne(request("REFER", CALLER), "REFER passed to the other leg");
        assertEquals("call-1@alice", refer.callId());
        assertEquals("<sip:carol@example.com>", refer.header(HeaderName.REFER_TO));
    }

    @Test
    void shouldGiveUpOnATargetThatDoesNotAnswerWithinTheRingTimeout()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 180, "Ringing", null));
        harness.drain();
        harness.advanceMs(60_100);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("CANCEL") && s.destination.equals(TARGET)), out::toString);
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY") && s.body().contains(" 408 "))
            .findFirst().orElseThrow(() -> new AssertionError("no NOTIFY with the 408: " + out));
        assertEquals("SIP/2.0 408 Request Timeout\r\n", notify.body());
        assertEquals("terminated;reason=noresource", notify.header(HeaderName.SUBSCRIPTION_STATE));
    }

    @Test
    void shouldHangUpATransferorThatStaysAfterTheTransfer()
    {
        establish();
        carolAnswersAndAliceIsJoined(bobRefersToCarol(null));
        harness.advanceMs(32_100);
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLEE, bye.destination);
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldTransferATransferredCallAgain()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carolAnswersAndAliceIsJoined(invite);
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        // Carol now transfers Alice back to a number routed to the target side.
        harness.receive(TARGET, carol.refer("sip:1001@example.com", null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202) && s.destination.equals(TARGET)), out::toString);
        final Sent second = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertTrue(second.header(HeaderName.FROM).contains("sip:alice@"));
        assertNull(second.header(HeaderName.CONTENT_TYPE));
        assertFalse(harness.events.contains("refused 2 491 a transfer is already in progress"));
    }

    @Test
    void shouldNumberTheEventOfASecondReferInTheSameDialog()
    {
        establish();
        final Sent invite = bobRefersToCarol(null);
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        harness.drain();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final Sent notify = harness.drain().stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElseThrow();
        assertTrue(notify.header(HeaderName.EVENT).startsWith("refer;id="), notify.header(HeaderName.EVENT));
    }

    @Test
    void shouldSendOneNotifyAtATime()
    {
        establish();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        final Sent trying = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst().orElseThrow();
        final Sent invite = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 180, "Ringing", null));
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("NOTIFY")),
            "the 180 waits while the 100's NOTIFY is unanswered (RFC 6665)");
        harness.receive(CALLEE, bob.answer(trying, 200, "OK", null));
        final Sent ringing = harness.expectOne(request("NOTIFY", CALLEE), "NOTIFY 180 once the first is answered");
        assertEquals("SIP/2.0 180 Ringing\r\n", ringing.body());
        assertTrue(ringing.cseq() > trying.cseq());
    }
}
