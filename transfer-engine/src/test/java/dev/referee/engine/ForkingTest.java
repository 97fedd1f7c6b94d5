package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, "Provisional responses and forking": forked answers to Referee's INVITE (RFC 3261 §13.2.2.4), the RFC 6026
 * Accepted states of INVITE transactions, and merged requests (RFC 3261 §8.2.2.2). Each behaviour is gated by
 * node-start version 5; a journal of version 4 replays as it was made, which the tests of version 4 show.
 */
class ForkingTest
{
    private static final long CONNECTION = 7;

    private EngineHarness harness;
    private SipPhone alice;
    private SipPhone bob;
    /** Another phone the callee's proxy forked the INVITE to: its tag is "bob2-tag". */
    private SipPhone bob2;

    @BeforeEach
    void setUp()
    {
        harness = new EngineHarness();
        alice = new SipPhone("alice", CALLER);
        bob = new SipPhone("bob", CALLEE);
        bob2 = new SipPhone("bob2", CALLEE);
    }

    /** The caller's INVITE reaches Referee; returns the INVITE relayed to the callee. */
    private Sent call(final EngineHarness on, final String invite)
    {
        on.receive(CALLER, invite);
        return on.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
    }

    private static long invitesTo(final List<Sent> sent, final InetSocketAddress to)
    {
        return sent.stream().filter(request("INVITE", to)).count();
    }

    // ---- forked answers ------------------------------------------------------------------------------------------

    /**
     * Two forks answer 200: the call goes on with the first; the second's dialog is acknowledged (its own To tag and
     * Contact) and released with BYE at once, before the caller even acknowledged the first.
     */
    @Test
    void shouldAcknowledgeAndReleaseASecondForkThatAnswers()
    {
        final Sent invite = call(harness, alice.invite("bob", "fork-1@alice"));
        bob.accept(invite);
        bob2.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "the first 200 relayed"));

        harness.receive(CALLEE, bob2.answer(invite, 200, "OK", SipPhone.SDP));
        final List<Sent> out = harness.drain();
        assertEquals(2, out.size(), out::toString);
        final Sent ack = out.get(0);
        final Sent bye = out.get(1);
        assertTrue(ack.isRequest("ACK") && ack.destination.equals(CALLEE), out::toString);
        assertEquals("bob2-tag", ack.toTag());
        assertEquals("ACK sip:bob2@127.0.0.1:5062 SIP/2.0", ack.firstLine(), "to the fork's Contact");
        assertEquals(invite.cseq(), ack.cseq());
        assertTrue(bye.isRequest("BYE") && bye.destination.equals(CALLEE), out::toString);
        assertEquals("bob2-tag", bye.toTag());
        assertEquals(invite.fromTag(), bye.fromTag());
        assertEquals(invite.callId(), bye.callId());
        assertEquals(invite.cseq() + 1, bye.cseq());
        harness.receive(CALLEE, bob2.answer(bye, 200, "OK", null));
        assertEquals(List.of(), harness.drain(), "nothing goes to the caller: the call is the first fork's");
        assertEquals(1, harness.counters.get(dev.referee.engine.counters.EngineCounters.FORKS_RELEASED));

        // The call goes on with the first fork.
        harness.receive(CALLER, alice.ack());
        assertEquals("bob-tag", harness.expectOne(request("ACK", CALLEE), "ACK to the first fork").toTag());
        harness.receive(CALLER, alice.bye());
        final Sent hangUp = harness.drain().stream().filter(request("BYE", CALLEE)).findFirst().orElseThrow();
        assertEquals("bob-tag", hangUp.toTag());
        harness.receive(CALLEE, bob.answer(hangUp, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls());
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /**
     * A fork that answers after the caller's ACK once gave the first fork's ACK (its To tag) to the wrong dialog and
     * never ended its own: now it gets an ACK and a BYE of its own dialog.
     */
    @Test
    void shouldReleaseAForkThatAnswersAfterTheCallIsUp()
    {
        final Sent invite = establish();
        bob2.accept(invite);
        harness.receive(CALLEE, bob2.answer(invite, 200, "OK", SipPhone.SDP));
        final List<Sent> out = harness.drain();
        assertEquals(List.of("ACK bob2-tag", "BYE bob2-tag"),
            out.stream().map(s -> s.message.methodName() + " " + s.toTag()).toList());
        assertEquals(1, harness.engine.activeCalls());
    }

    /**
     * A released fork that missed Referee's ACK sends its 200 again: it gets the same ACK again, not a second BYE
     * (RFC 3261 §13.2.2.4 acknowledges every 2xx, and its dialog was already ended).
     */
    @Test
    void shouldAcknowledgeAReleasedForksTwoHundredAgainWithoutASecondBye()
    {
        final Sent invite = establish();
        bob2.accept(invite);
        final String forkOk = bob2.answer(invite, 200, "OK", SipPhone.SDP);
        harness.receive(CALLEE, forkOk);
        final List<Sent> released = harness.drain();
        assertEquals(List.of("ACK bob2-tag", "BYE bob2-tag"),
            released.stream().map(s -> s.message.methodName() + " " + s.toTag()).toList());
        harness.advanceMs(200); // before Timer E sends the BYE again (T1)
        harness.receive(CALLEE, forkOk);
        final Sent ack = harness.expectOne(s -> s.destination.equals(CALLEE), "only an ACK for the 200 again");
        assertEquals("ACK bob2-tag", ack.message.methodName() + " " + ack.toTag());
        assertEquals(released.get(0).text.replaceAll("branch=[^;\\r]*", ""),
            ack.text.replaceAll("branch=[^;\\r]*", ""), "the same ACK but for its branch");
        harness.receive(CALLEE, bob2.answer(released.get(1), 200, "OK", null));
        assertEquals(1, harness.engine.activeCalls());
    }

    /** Early dialogs of two forks (180 from each), then the second answers: the call is the second's. */
    @Test
    void shouldConfirmTheForkThatAnswersAfterEarlyDialogsOfSeveral()
    {
        final Sent invite = call(harness, alice.invite("bob", "fork-3@alice"));
        bob.accept(invite);
        bob2.accept(invite);
        harness.receive(CALLEE, bob2.answer(invite, 180, "Ringing", null));
        harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", null));
        assertEquals(2, harness.drain().stream().filter(s -> s.destination.equals(CALLER)).count(),
            "both relayed to the caller");
        harness.receive(CALLEE, bob2.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 relayed"));
        harness.receive(CALLER, alice.ack());
        assertEquals("bob2-tag", harness.expectOne(request("ACK", CALLEE), "ACK").toTag());

        // The losing early dialog answers late: acknowledged and released; the call stays with bob2.
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        assertEquals(List.of("ACK bob-tag", "BYE bob-tag"),
            harness.drain().stream().map(s -> s.message.methodName() + " " + s.toTag()).toList());
        harness.receive(CALLER, alice.bye());
        assertEquals("bob2-tag", harness.drain().stream().filter(request("BYE", CALLEE)).findFirst().orElseThrow()
            .toTag());
    }

    /**
     * While the call rings, each fork that sent a tag has an early dialog with Referee: a request of the first fork's
     * (its From tag), after the second fork's 180, still belongs to the callee's leg, answered as a request of the
     * leg's early dialog is (481: Referee relays no request before the answer). Before, the leg knew only the latest
     * fork: 403 "not from this dialog's peer", counted as an unexpected event. The first 200 drops the losers' early
     * dialogs: the loser's next request is a stranger's.
     */
    @Test
    void shouldKeepEachForksEarlyDialogUntilTheFirstAnswer()
    {
        final Sent invite = call(harness, alice.invite("bob", "fork-5@alice"));
        bob.accept(invite);
        bob2.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLEE, bob2.answer(invite, 180, "Ringing", null));
        alice.learn(harness.drain().stream().filter(response(180, CALLER)).findFirst().orElseThrow());

        final long unexpected = harness.counters.get(EngineCounters.UNEXPECTED);
        harness.receive(CALLEE, bob.inDialog("INFO"));
        harness.expectOne(response(481, CALLEE), "the first fork's early dialog is the leg's");
        assertEquals(unexpected, harness.counters.get(EngineCounters.UNEXPECTED));

        harness.receive(CALLEE, bob2.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "the second fork's 200 relayed"));
        harness.receive(CALLEE, bob.inDialog("INFO"));
        harness.expectOne(response(403, CALLEE), "the first fork's early dialog is gone");
        harness.receive(CALLER, alice.ack());
        assertEquals("bob2-tag", harness.expectOne(request("ACK", CALLEE), "ACK to the winner").toTag());
    }

    /** A journal of node-start version 4 replays as it was made: a second fork's 200 got nothing before the ACK. */
    @Test
    void shouldLeaveASecondForkUnacknowledgedInAJournalOfVersion4()
    {
        final EngineHarness old = EngineHarness.ofVersion(4);
        final Sent invite = call(old, alice.invite("bob", "fork-4@alice"));
        bob.accept(invite);
        bob2.accept(invite);
        old.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        old.expectOne(response(200, CALLER), "200 relayed");
        old.receive(CALLEE, bob2.answer(invite, 200, "OK", SipPhone.SDP));
        assertEquals(List.of(), old.drain());
    }

    // ---- RFC 6026: the client side (Accepted, Timer M) -------------------------------------------------------------

    /**
     * The callee lost Referee's ACK and sends its 200 again: the INVITE client transaction, Accepted, hands it to the
     * dialog, which sends the same ACK again, until Timer M (64*T1 = 32 s).
     */
    @Test
    void shouldAcknowledgeA2xxRetransmittedByTheCalleeAgain()
    {
        final Sent invite = establish();
        final String ok = bob.answer(invite, 200, "OK", SipPhone.SDP);
        harness.advanceMs(1_000);
        harness.receive(CALLEE, ok);
        final Sent again = harness.expectOne(request("ACK", CALLEE), "ACK again");
        assertEquals("bob-tag", again.toTag());
        harness.advanceMs(25_000);
        harness.receive(CALLEE, ok);
        assertEquals("bob-tag", harness.expectOne(request("ACK", CALLEE), "ACK again").toTag());
    }

    /**
     * A 200 that names the INVITE's branch but comes from another host is not the callee's: the Accepted transaction
     * refuses it as it refuses any response from elsewhere (as a stray, it was acknowledged).
     */
    @Test
    void shouldNotAcknowledgeA2xxFromAnotherHostWhileAccepted()
    {
        final Sent invite = establish();
        final long before = harness.counters.get(EngineCounters.RESPONSES_FROM_ELSEWHERE);
        harness.receive(new InetSocketAddress("127.0.0.9", 5062), bob.answer(invite, 200, "OK", SipPhone.SDP));
        assertEquals(List.of(), harness.drain());
        assertEquals(before + 1, harness.counters.get(EngineCounters.RESPONSES_FROM_ELSEWHERE));
    }

    // ---- RFC 6026: the server side (Accepted, Timer L) over TCP --------------------------------------------------

    /**
     * A stateless proxy in front relays its UDP caller's retransmitted INVITE over TCP after the 200: absorbed by the
     * Accepted transaction (Timer L runs on every transport), not a second call.
     */
    @Test
    void shouldAbsorbAnInviteRepeatedOverTcpAfterTheTwoHundred()
    {
        final String inviteText = alice.invite("bob", "tcp-1@alice");
        harness.receive(Transport.TCP, CALLER, CONNECTION, inviteText);
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.expectOne(response(200, CALLER), "200 to the caller");

        harness.advanceMs(1_000);
        harness.receive(Transport.TCP, CALLER, CONNECTION, inviteText);
        assertEquals(0, invitesTo(harness.drain(), CALLEE), "no second INVITE to the callee");
        assertEquals(1, harness.engine.activeCalls());
        harness.advanceMs(40_000);
    }

    /** Version 4 ended a TCP INVITE transaction with its 2xx: the same INVITE again was a second call. */
    @Test
    void shouldSetUpASecondCallForAnInviteRepeatedOverTcpInAJournalOfVersion4()
    {
        final EngineHarness old = EngineHarness.ofVersion(4);
        final String inviteText = alice.invite("bob", "tcp-2@alice");
        old.receive(Transport.TCP, CALLER, CONNECTION, inviteText);
        final Sent invite = old.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        bob.accept(invite);
        old.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        old.drain();
        old.receive(Transport.TCP, CALLER, CONNECTION, inviteText);
        assertEquals(1, invitesTo(old.drain(), CALLEE));
        assertEquals(2, old.engine.activeCalls());
    }

    // ---- merged requests -------------------------------------------------------------------------------------------

    /**
     * The same INVITE reaches Referee by two paths (another branch, same From tag, Call-ID and CSeq): the second gets
     * 482 Loop Detected, and there is one call, one INVITE to the callee.
     */
    @Test
    void shouldAnswerAMergedInviteWithLoopDetected()
    {
        final String first = alice.invite("bob", "merged-1@alice");
        harness.receive(CALLER, first);
        assertEquals(1, invitesTo(harness.drain(), CALLEE));
        final String second = first.replace(";branch=z9hG4bK-alice-1;", ";branch=z9hG4bK-other-path;");
        harness.receive(CALLER, second);
        final Sent loop = harness.expectOne(response(482, CALLER), "482 to the merged INVITE");
        assertEquals("SIP/2.0 482 Loop Detected", loop.firstLine());
        assertTrue(loop.header(HeaderName.VIA).contains("z9hG4bK-other-path"), "answers the second path's request");
        assertEquals(1, harness.engine.activeCalls());
        assertEquals(1, harness.counters.get(dev.referee.engine.counters.EngineCounters.MERGED_REQUESTS));

        // The first INVITE's call goes on as usual.
        harness.receive(CALLER, first);
        assertEquals(0, invitesTo(harness.drain(), CALLEE), "a retransmission, absorbed");
        assertEquals(1, harness.engine.activeCalls());
    }

    /** Another CSeq (a new request after a 407, RFC 3261 §22.2) is not a merged request. */
    @Test
    void shouldTakeTheSameCallIdWithANewCSeqAsANewRequest()
    {
        final String first = alice.invite("bob", "merged-2@alice");
        harness.receive(CALLER, first);
        harness.drain();
        harness.receive(CALLER, alice.inviteAgain(null));
        final List<Sent> out = harness.drain();
        assertEquals(0, out.stream().filter(s -> s.isResponse(482)).count(), out::toString);
    }

    /** Version 4 took a merged INVITE for a new one: a second call. */
    @Test
    void shouldSetUpASecondCallForAMergedInviteInAJournalOfVersion4()
    {
        final EngineHarness old = EngineHarness.ofVersion(4);
        final String first = alice.invite("bob", "merged-3@alice");
        old.receive(CALLER, first);
        old.receive(CALLER, first.replace(";branch=z9hG4bK-alice-1;", ";branch=z9hG4bK-other-path;"));
        assertEquals(2, old.engine.activeCalls());
    }

    /** Sets up an answered, acknowledged call; returns the INVITE Bob received. */
    private Sent establish()
    {
        final Sent invite = call(harness, alice.invite("bob", "fork-0@alice"));
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 to caller"));
        harness.receive(CALLER, alice.ack());
        assertEquals("bob-tag", harness.expectOne(request("ACK", CALLEE), "ACK to callee").toTag());
        return invite;
    }
}
