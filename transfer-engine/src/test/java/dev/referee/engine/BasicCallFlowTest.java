package dev.referee.engine;

import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BasicCallFlowTest
{
    private EngineHarness harness;
    private SipPhone alice;
    private SipPhone bob;

    @BeforeEach
    void setUp()
    {
        harness = new EngineHarness();
        alice = new SipPhone("alice", CALLER);
        bob = new SipPhone("bob", CALLEE);
    }

    /** Sets up an answered call; returns the INVITE Bob received. */
    private Sent establish()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final java.util.List<Sent> out = harness.drain();
        assertEquals(2, out.size(), out::toString);
        assertTrue(out.get(0).isResponse(100) && out.get(0).destination.equals(CALLER), "100 Trying first");
        final Sent invite = out.get(1);
        assertTrue(invite.isRequest("INVITE") && invite.destination.equals(CALLEE));
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        alice.learn(harness.expectOne(response(180, CALLER), "180 to caller"));
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to caller");
        alice.learn(ok);
        assertEquals(SipPhone.media(SipPhone.SDP), ok.media());
        harness.receive(CALLER, alice.ack());
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK to callee");
        assertEquals(invite.cseq(), ack.cseq());
        assertEquals("bob-tag", ack.toTag());
        return invite;
    }

    /**
     * A caller that lost the 2xx retransmits its INVITE (the CI failure of JournalReplayInteropTest under load): the
     * accepted INVITE server transaction absorbs it (RFC 6026 §7.1). Before, the transaction ended with the 2xx, the
     * retransmission set up a second call with another To tag, and the caller's ACK and BYE then matched neither.
     */
    @Test
    void shouldAbsorbInviteRetransmittedAfterTheTwoHundredAndKeepOneCall()
    {
        final String invite = alice.invite("bob", "call-1@alice");
        harness.receive(CALLER, invite);
        final Sent relayed = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        bob.accept(relayed);
        harness.receive(CALLEE, bob.answer(relayed, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to caller");

        harness.advanceMs(100);
        harness.receive(CALLER, invite);
        assertEquals(java.util.List.of(), harness.drain(), "the retransmitted INVITE is absorbed");
        assertEquals(1, harness.engine.activeCalls());

        harness.advanceMs(500); // the TU's own 2xx retransmission (T1) still reaches the caller
        final Sent again = harness.expectOne(response(200, CALLER), "200 retransmitted at T1");
        assertEquals(ok.toTag(), again.toTag());
        alice.learn(again);
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to callee");
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLEE, bye.destination);
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls());
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldHideEachSidesTopologyFromTheOther()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        assertNotEquals("call-1@alice", invite.callId());
        assertNotEquals("alice-tag", invite.fromTag());
        assertEquals(1, invite.count(HeaderName.VIA), "only Referee's Via");
        assertFalse(invite.text.contains("z9hG4bK-alice"), "caller's branch leaks");
        assertFalse(invite.header(HeaderName.CONTACT).contains("alice@"), "caller's Contact leaks");
        assertTrue(invite.header(HeaderName.FROM).contains("sip:alice@"), "caller's identity is kept");
        assertEquals("69", invite.header(HeaderName.MAX_FORWARDS));
        assertTrue(invite.firstLine().startsWith("INVITE sip:bob@127.0.0.1:5062 "), invite.firstLine());
        assertEquals(SipPhone.media(SipPhone.SDP), invite.media());

        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to caller");
        assertEquals("call-1@alice", ok.callId());
        assertEquals("alice-tag", ok.fromTag());
        assertNotEquals("bob-tag", ok.toTag());
        assertFalse(ok.header(HeaderName.CONTACT).contains("bob@"), "callee's Contact leaks");
        assertTrue(ok.header(HeaderName.VIA).contains("z9hG4bK-alice-1"), "caller's own Via comes back");
    }

    @Test
    void shouldEndCallWhenCallerHangsUpAndLeaveNoState()
    {
        establish();
        harness.receive(CALLER, alice.bye());
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLER)), out::toString);
        final Sent bye = out.stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLEE, bye.destination);
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls());
        assertEquals(0, harness.engine.dialogs());
        assertEquals(0, harness.engine.pendingTransactions(), "nothing waits for a final response");
        assertTrue(harness.engine.waitingTransactions() > 0, "completed transactions absorb retransmissions (UDP)");
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * Completed transactions stay 32 s (UDP) to absorb retransmissions; they must not keep the ended call reachable
     * meanwhile, or every call of the last 32 s is copied by each young collection under load.
     */
    @Test
    void shouldNotKeepEndedCallReachableFromTransactionsThatAbsorbRetransmissions()
    {
        establish();
        final String callersBye = alice.bye();
        harness.receive(CALLER, callersBye);
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls());

        final dev.referee.engine.transaction.TransactionLayer layer = harness.engine.snapshotParts().transactions();
        final java.util.List<Object> waiting = new java.util.ArrayList<>();
        waiting.addAll(dev.referee.engine.transaction.TransactionSnapshots.servers(layer));
        waiting.addAll(dev.referee.engine.transaction.TransactionSnapshots.clients(layer));
        assertEquals(0, waiting.size(), "the caller's INVITE (Timer L) and BYE (Timer J), Referee's INVITE to the " +
            "callee (Timer M, RFC 6026) and BYE to the callee (Timer K) wait as rows, which link nothing");
        assertEquals(4, layer.waitingCount(), "four rows wait");
        final java.util.List<Object> linked = new java.util.ArrayList<>();
        for (final Object transaction : waiting)
        {
            dev.referee.engine.transaction.TransactionSnapshots.visitLinks(transaction, linked::add);
        }
        linked.removeIf(java.util.Objects::isNull);
        assertEquals(java.util.List.of(), linked, "objects still reachable from completed transactions");

        // A retransmitted BYE is still answered from the stored response.
        harness.receive(CALLER, callersBye);
        harness.expectOne(response(200, CALLER), "200 again for the retransmitted BYE");
    }

    @Test
    void shouldEndCallWhenCalleeHangsUp()
    {
        establish();
        harness.receive(CALLEE, bob.bye());
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE)), out::toString);
        final Sent bye = out.stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(CALLER, bye.destination);
        assertEquals("call-1@alice", bye.callId());
        assertEquals("alice-tag", bye.toTag());
        assertTrue(bye.firstLine().startsWith("BYE sip:alice@127.0.0.1:5070 "), bye.firstLine());
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldRelayBusyHereAndAcknowledgeOnEachLeg()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 486, "Busy Here", null));
        final java.util.List<Sent> out = harness.drain();
        final Sent ack = out.stream().filter(s -> s.isRequest("ACK")).findFirst().orElseThrow();
        assertEquals(CALLEE, ack.destination);
        assertEquals(invite.branch(), ack.branch(), "ACK for a non-2xx is part of the INVITE transaction");
        final Sent busy = out.stream().filter(s -> s.isResponse(486)).findFirst().orElseThrow();
        assertEquals(CALLER, busy.destination);
        harness.receive(CALLER, alice.ackFailure(busy));
        assertTrue(harness.drain().isEmpty(), "caller's ACK is absorbed by the transaction");
        assertEquals(0, harness.engine.activeCalls());
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldCancelCalleeWhenCallerCancelsBeforeAnswer()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.drain();
        harness.receive(CALLER, alice.cancel());
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.message.cseqMethod() ==
            dev.referee.sip.SipMethod.CANCEL), "200 for the CANCEL: " + out);
        final Sent terminated = out.stream().filter(s -> s.isResponse(487)).findFirst().orElseThrow();
        assertEquals(CALLER, terminated.destination);
        final Sent cancel = out.stream().filter(s -> s.isRequest("CANCEL")).findFirst().orElseThrow();
        assertEquals(invite.branch(), cancel.branch());
        assertEquals(CALLEE, cancel.destination);

        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("ACK")), "ACK for the callee's 487");
        harness.receive(CALLER, alice.ackFailure(terminated));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldSendCancelOnlyAfterCalleeSentAProvisional()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLER, alice.cancel());
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("CANCEL")), "no CANCEL before a 1xx");
        harness.receive(CALLEE, bob.answer(invite, 100, "Trying", null));
        final Sent cancel = harness.expectOne(request("CANCEL", CALLEE), "CANCEL after the 100");
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldReleaseACallCancelledBeforeACalleeThatNeverAnswers()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        harness.receive(CALLER, alice.cancel());
        harness.drain();
        harness.advanceMs(40_000, 100); // Timer B of the INVITE given up: no CANCEL ever went, nothing will answer
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldAcknowledgeAndHangUpCalleeThatAnswersAfterCancel()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLER, alice.cancel());
        harness.drain();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)), out::toString);
        final Sent bye = out.stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertTrue(out.stream().noneMatch(s -> s.isResponse(200) && s.destination.equals(CALLER) &&
            s.message.cseqMethod() == dev.referee.sip.SipMethod.INVITE), "the caller never sees the late 200");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldRelayHoldAndUnholdFromCaller()
    {
        establish();
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP_HOLD));
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(100)), "100 Trying for the re-INVITE");
        final Sent hold = out.stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(CALLEE, hold.destination);
        assertTrue(hold.body().contains("a=sendonly"));
        assertEquals("bob-tag", hold.toTag());
        harness.receive(CALLEE, bob.answer(hold, 200, "OK", SipPhone.SDP.replace("sendrecv", "recvonly")));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 for hold");
        assertTrue(ok.body().contains("a=recvonly"));
        harness.receive(CALLER, alice.ack());
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK for hold");
        assertEquals(hold.cseq(), ack.cseq());

        harness.receive(CALLER, alice.reinvite(SipPhone.SDP));
        final Sent unhold = harness.expectOne(request("INVITE", CALLEE), "unhold INVITE");
        assertTrue(unhold.body().contains("a=sendrecv"));
        assertTrue(unhold.cseq() > hold.cseq());
        harness.receive(CALLEE, bob.answer(unhold, 200, "OK", SipPhone.SDP));
        harness.expectOne(response(200, CALLER), "200 for unhold");
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK for unhold");
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldRelayHoldFromCallee()
    {
        establish();
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP_HOLD));
        final Sent hold = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(CALLER, hold.destination);
        assertEquals("call-1@alice", hold.callId());
        assertEquals("alice-tag", hold.toTag());
        harness.receive(CALLER, alice.answer(hold, 200, "OK", SipPhone.SDP));
        harness.expectOne(response(200, CALLEE), "200 for hold");
        harness.receive(CALLEE, bob.ack());
        harness.expectOne(request("ACK", CALLER), "ACK to caller");
    }

    @Test
    void shouldRelayInfoInDialogAndItsResponse()
    {
        establish();
        harness.receive(CALLER, alice.inDialog("INFO"));
        final Sent info = harness.expectOne(request("INFO", CALLEE), "INFO to callee");
        harness.receive(CALLEE, bob.answer(info, 200, "OK", null));
        harness.expectOne(response(200, CALLER), "200 for INFO");
    }

    @Test
    void shouldAnswerGlareWithRequestPending()
    {
        establish();
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP_HOLD));
        harness.drain();
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP_HOLD));
        harness.expectOne(response(491, CALLEE), "491 for the crossing re-INVITE");
    }

    @Test
    void shouldRetransmitTwoHundredToCallerUntilAck()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.advanceMs(1_600); // T1 = 500 ms: retransmissions at 0.5 s and 1.5 s
        assertEquals(2, harness.drain().stream().filter(s -> s.isResponse(200)).count());
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK relayed once");
        harness.advanceMs(10_000);
        assertTrue(harness.drain().isEmpty(), "no more 200s after the ACK");
    }

    @Test
    void shouldHangUpBothSidesWhenCallerNeverAcknowledges()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.drain();
        harness.advanceMs(32_100); // 64*T1
        final java.util.List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("BYE") && s.destination.equals(CALLER)), out::toString);
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)), out::toString);
        assertTrue(out.stream().anyMatch(s -> s.isRequest("BYE") && s.destination.equals(CALLEE)), out::toString);
        harness.advanceMs(40_000); // BYEs unanswered: Timer F
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldResendAckWhenCalleeRetransmitsTwoHundred()
    {
        final Sent invite = establish();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK resent");
        assertEquals(invite.cseq(), ack.cseq());
        assertNull(harness.drain().stream().filter(s -> s.destination.equals(CALLER)).findFirst().orElse(null));
    }

    @Test
    void shouldAnswerByeForUnknownDialogWith481()
    {
        establish();
        final SipPhone stranger = new SipPhone("eve", new java.net.InetSocketAddress("127.0.0.1", 5099));
        stranger.invite("bob", "other@eve");
        harness.drain();
        final String bye = alice.bye().replace("call-1@alice", "unknown@alice");
        harness.receive(CALLER, bye);
        harness.expectOne(response(481, CALLER), "481");
    }

    @Test
    void shouldAdvertiseTheAddressOfEachPeersFamily()
    {
        final SipPhone carol = new SipPhone("carol", EngineHarness.CALLER_V6);
        harness.receive(EngineHarness.CALLER_V6, carol.invite("bob", "call-6@carol"));
        final java.util.List<Sent> out = harness.drain();
        final Sent trying = out.get(0);
        assertEquals(EngineHarness.CALLER_V6, trying.destination);
        final Sent invite = out.get(1);
        assertTrue(invite.header(HeaderName.VIA).startsWith("SIP/2.0/UDP 127.0.0.1:5060"), invite.text);
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, EngineHarness.CALLER_V6), "200 to the IPv6 caller");
        assertEquals("<sip:referee@[::1]:5060>", ok.header(HeaderName.CONTACT));
    }
}
