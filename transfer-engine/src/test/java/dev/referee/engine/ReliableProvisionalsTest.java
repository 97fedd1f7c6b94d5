package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reliable provisional responses (RFC 3262, 100rel/PRACK; issue 12) on each leg from node-start version 6: Referee
 * acknowledges a callee's reliable 18x with PRACK in its early dialog, once per RSeq in order, and relays the 18x
 * reliably to a caller that supports 100rel (RSeq, retransmitted until the caller's PRACK, 500 and the callee
 * cancelled when none comes), unreliably to one that does not. A journal of version 5 replays without any of it.
 */
class ReliableProvisionalsTest
{
    private static final String SUPPORTS_100REL = "Supported: 100rel\r\n";
    private static final String REQUIRES_100REL = "Require: 100rel\r\n";

    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone bob2 = new SipPhone("bob2", CALLEE);

    /** {@code message} with {@code headers} ("Name: value\r\n" lines) after its first line. */
    private static String with(final String message, final String headers)
    {
        final int end = message.indexOf("\r\n") + 2;
        return message.substring(0, end) + headers + message.substring(end);
    }

    /** Bob's reliable provisional of {@code status} to {@code invite}, RSeq {@code rseq}, with {@code sdp} or none. */
    private static String reliable(final SipPhone callee, final Sent invite, final int status, final long rseq,
        final String sdp)
    {
        return with(callee.answer(invite, status, status == 180 ? "Ringing" : "Session Progress", sdp),
            REQUIRES_100REL + "RSeq: " + rseq + "\r\n");
    }

    /** Alice calls Bob with {@code callerHeaders}; returns the INVITE Referee sent Bob, who takes it. */
    private Sent call(final String callerHeaders)
    {
        harness.receive(CALLER, alice.invite("bob", "prack-1@alice", callerHeaders));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        return invite;
    }

    /** The PRACK Alice sends for {@code provisional}, a reliable one Referee sent her. */
    private String prackOf(final Sent provisional)
    {
        return alice.inDialog("PRACK", "RAck: " + provisional.header(HeaderName.RSEQ) + " 1 INVITE\r\n");
    }

    /** The first of {@code out} that {@code match} takes; fails naming them all when none does. */
    private static Sent first(final List<Sent> out, final java.util.function.Predicate<Sent> match)
    {
        return out.stream().filter(match).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    private List<String> offerAnswerSurprises()
    {
        return harness.transitions.unexpected.stream().filter(u -> u.contains("OFFER_ANSWER")).toList();
    }

    @Test
    void shouldPrackTheCalleesReliableProvisionalAndRelayItReliablyToACallerWhoPracks()
    {
        final Sent invite = call(SUPPORTS_100REL);
        assertTrue(invite.text.contains("\r\nSupported: timer, 100rel\r\n"), "Referee's INVITE offers 100rel");

        harness.receive(CALLEE, with(reliable(bob, invite, 183, 7, SipPhone.SDP), "Record-Route: <sip:p1;lr>\r\n"));
        final List<Sent> out = harness.drain();
        final Sent prack = first(out, request("PRACK", CALLEE));
        assertEquals("PRACK sip:bob@127.0.0.1:5062 SIP/2.0", prack.firstLine(), "to the 183's Contact");
        assertEquals("7 1 INVITE", prack.header(HeaderName.RACK));
        assertEquals("bob-tag", prack.toTag(), "in the 183's early dialog");
        assertEquals(invite.fromTag(), prack.fromTag());
        assertEquals(invite.callId(), prack.callId());
        assertEquals(2, prack.cseq(), "the dialog's next CSeq");
        assertEquals("<sip:p1;lr>", prack.header(HeaderName.ROUTE), "the 183's route set");
        assertFalse(prack.branch().equals(invite.branch()), "a transaction of its own");

        final Sent progress = first(out, response(183, CALLER));
        assertEquals("100rel", progress.header(HeaderName.REQUIRE));
        final long rseq = Long.parseLong(progress.header(HeaderName.RSEQ));
        assertTrue(rseq >= 1 && rseq < 1L << 31, "the first RSeq is in 1..2^31-1: " + rseq);
        assertEquals(SipPhone.media(SipPhone.SDP), progress.media(), "the early answer goes to Alice");
        assertEquals(2, out.size(), out::toString);

        harness.receive(CALLEE, bob.answer(prack, 200, "OK", null));
        assertEquals(List.of(), harness.drain(), "Bob's 200 to the PRACK ends it there");
        alice.learn(progress);
        // Some UAs send their PRACK with Require: 100rel: it is understood there too.
        harness.receive(CALLER, with(prackOf(progress), REQUIRES_100REL));
        final Sent prackOk = harness.expectOne(response(200, CALLER), "200 to Alice's PRACK");
        assertEquals("2 PRACK", prackOk.header(HeaderName.CSEQ));
        harness.advanceMs(5_000);
        assertEquals(List.of(), harness.drain(), "no 183 again once acknowledged");

        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "the 200 relayed");
        assertTrue(ok.text.contains("\r\nSupported: timer, 100rel\r\n"), "Referee's answers list 100rel");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to Bob");
        assertEquals(List.of(), offerAnswerSurprises(), "the 2xx repeats the early answer, no second answer");
        assertEquals(2, harness.transitions.moves.stream().filter(m -> m.contains("-> EARLY_ANSWERED")).count(),
            "both legs answered early: " + harness.transitions.moves);
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", CALLEE), "BYE to Bob");
        assertEquals(3, bye.cseq(), "after the PRACK's CSeq");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertEquals(1, harness.counters.get(EngineCounters.PRACKS_SENT));
        assertEquals(1, harness.counters.get(EngineCounters.PRACKS_RECEIVED));
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /** RFC 3262 §4: a PRACK answered 481, or never answered, is not a failed call: the INVITE's answer decides. */
    @Test
    void shouldGoOnWithTheCallWhenAPrackFails()
    {
        final Sent invite = call(null);
        harness.receive(CALLEE, reliable(bob, invite, 180, 1, null));
        final Sent prack = harness.drain().stream().filter(request("PRACK", CALLEE)).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(prack, 481, "Call/Transaction Does Not Exist", null));
        assertEquals(List.of(), harness.drain(), "nothing goes to Alice, nothing is ended");
        harness.receive(CALLEE, reliable(bob, invite, 183, 2, SipPhone.SDP));
        harness.drain();
        harness.advanceMs(33_000, 500); // the second PRACK is never answered: Timer F
        harness.drain();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "the call is answered all the same");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to Bob");
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldNeverSend100TryingReliably()
    {
        harness.receive(CALLER, alice.invite("bob", "prack-1@alice", REQUIRES_100REL));
        final Sent trying = harness.drain().stream().filter(response(100, CALLER)).findFirst().orElseThrow();
        assertNull(trying.header(HeaderName.RSEQ), trying::toString);
        assertNull(trying.header(HeaderName.REQUIRE), trying::toString);
    }

    @Test
    void shouldRelayUnreliablyToACallerWithout100rel()
    {
        final Sent invite = call(null);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(request("PRACK", CALLEE)).count(), "Bob's 183 is acknowledged: " + out);
        final Sent progress = first(out, response(183, CALLER));
        assertNull(progress.header(HeaderName.REQUIRE), progress::toString);
        assertNull(progress.header(HeaderName.RSEQ), progress::toString);
        harness.advanceMs(2_000);
        assertEquals(0, harness.drain().stream().filter(response(183, CALLER)).count(), "not sent again");
    }

    @Test
    void shouldAnswer500AndCancelTheCalleeWhenTheCallerNeverPracks()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final List<Sent> first = harness.drain();
        final Sent progress = first.stream().filter(response(183, CALLER)).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(first.stream().filter(request("PRACK", CALLEE)).findFirst().orElseThrow(),
            200, "OK", null));
        // RFC 3262 §3: again at T1, 2T1, 4T1... (T1 = 500 ms here), without T2's cap.
        final List<Long> againAtMs = new ArrayList<>();
        for (int ms = 10; ms < 32_000; ms += 10)
        {
            harness.advanceMs(10);
            for (final Sent sent : harness.drain())
            {
                assertEquals(progress.text, sent.text, "only the 183 again before 64*T1");
                againAtMs.add((long)ms);
            }
        }
        // Each is due T1 * 2^n after the one before and fires at the first 10 ms tick past its deadline.
        assertEquals(6, againAtMs.size(), againAtMs::toString);
        long previousMs = 0;
        for (int n = 0; n < againAtMs.size(); n++)
        {
            final long gapMs = againAtMs.get(n) - previousMs;
            assertTrue(gapMs >= 500L << n && gapMs <= (500L << n) + 10, "gap " + n + ": " + againAtMs);
            previousMs = againAtMs.get(n);
        }
        harness.advanceMs(20);
        final List<Sent> out = harness.drain();
        final Sent failed = first(out, response(500, CALLER));
        assertTrue(failed.header(HeaderName.REASON).contains("RFC 3262"), failed::toString);
        final Sent cancel = first(out, request("CANCEL", CALLEE));
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        harness.expectOne(request("ACK", CALLEE), "ACK of the 487");
        harness.receive(CALLER, alice.ackFailure(failed));
        assertTrue(harness.events.contains("ended 1 no-prack 500"), harness.events::toString);
        assertEquals(1, harness.counters.get(EngineCounters.PROVISIONALS_UNACKNOWLEDGED));
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldNotPrackAReliableProvisionalAgainOrOutOfOrder()
    {
        final Sent invite = call(null);
        final String first = reliable(bob, invite, 180, 1, null);
        harness.receive(CALLEE, first);
        assertEquals(1, harness.drain().stream().filter(request("PRACK", CALLEE)).count());
        harness.receive(CALLEE, first);
        assertEquals(List.of(), harness.drain(), "the 180 again (our PRACK crossed it): no PRACK, not relayed again");
        harness.receive(CALLEE, reliable(bob, invite, 183, 3, SipPhone.SDP));
        assertEquals(List.of(), harness.drain(), "RSeq 3 after 1 is out of order: not processed (RFC 3262 §4)");
        harness.receive(CALLEE, reliable(bob, invite, 183, 2, SipPhone.SDP));
        final List<Sent> out = harness.drain();
        assertEquals(List.of("2 1 INVITE"), out.stream().filter(request("PRACK", CALLEE))
            .map(s -> s.header(HeaderName.RACK)).toList());
        assertEquals(1, out.stream().filter(response(183, CALLER)).count(), out::toString);
        assertEquals(2, harness.counters.get(EngineCounters.PRACKS_SENT));
    }

    @Test
    void shouldKeepAnRSeqSpacePerFork()
    {
        final Sent invite = call(null);
        bob2.accept(invite);
        harness.receive(CALLEE, reliable(bob, invite, 180, 1, null));
        harness.receive(CALLEE, reliable(bob2, invite, 180, 1, null));
        final List<Sent> pracks = harness.drain().stream().filter(request("PRACK", CALLEE)).toList();
        assertEquals(List.of("bob-tag 1 1 INVITE", "bob2-tag 1 1 INVITE"),
            pracks.stream().map(p -> p.toTag() + " " + p.header(HeaderName.RACK)).toList());
        assertEquals("PRACK sip:bob2@127.0.0.1:5062 SIP/2.0", pracks.get(1).firstLine(), "to each fork's Contact");
        assertTrue(pracks.get(1).cseq() > pracks.get(0).cseq(), "CSeq goes up in the leg");
    }

    @Test
    void shouldHoldALaterProvisionalUntilThePrackOfTheOneBefore()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final Sent progress = harness.drain().stream().filter(response(183, CALLER)).findFirst().orElseThrow();
        final long rseq = Long.parseLong(progress.header(HeaderName.RSEQ));
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        assertEquals(0, harness.drain().stream().filter(response(180, CALLER)).count(),
            "one reliable provisional unacknowledged at a time");
        alice.learn(progress);
        harness.receive(CALLER, prackOf(progress));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(response(200, CALLER)).count(), out::toString);
        final List<Sent> ringing = out.stream().filter(response(180, CALLER)).toList();
        assertEquals(1, ringing.size(), "two 180 without SDP waited as one: " + out);
        assertEquals(Long.toString(rseq + 1), ringing.get(0).header(HeaderName.RSEQ));
        assertEquals("100rel", ringing.get(0).header(HeaderName.REQUIRE));
        harness.receive(CALLER, prackOf(ringing.get(0)));
        harness.expectOne(response(200, CALLER), "200 to the second PRACK");
    }

    /** At most 4 wait (SDP ones are never coalesced): one more is dropped and counted as unexpected. */
    @Test
    void shouldBoundTheProvisionalsWaitingForAPrack()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", SipPhone.SDP));
        Sent unacked = first(harness.drain(), response(183, CALLER));
        for (int i = 0; i < 5; i++)
        {
            harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", SipPhone.SDP));
        }
        assertEquals(List.of(), harness.drain().stream().filter(response(183, CALLER)).toList());
        assertEquals(1, harness.counters.get(EngineCounters.UNEXPECTED), "the fifth waiting one is dropped");
        alice.learn(unacked);
        final List<Long> rseqs = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            harness.receive(CALLER, prackOf(unacked));
            unacked = first(harness.drain(), response(183, CALLER));
            rseqs.add(Long.parseLong(unacked.header(HeaderName.RSEQ)));
        }
        final long firstRSeq = rseqs.get(0);
        assertEquals(List.of(firstRSeq, firstRSeq + 1, firstRSeq + 2, firstRSeq + 3), rseqs, "in order, one at a time");
        harness.receive(CALLER, prackOf(unacked));
        assertEquals(0, harness.drain().stream().filter(response(183, CALLER)).count(), "nothing more waits");
    }

    @Test
    void shouldSendThe2xxWhileAReliableProvisionalIsUnacknowledgedAndAnswerALatePrack()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 180, 1, null));
        final Sent ringing = harness.drain().stream().filter(response(180, CALLER)).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "the 200, PRACK or not");
        alice.learn(ok);
        harness.receive(CALLER, prackOf(ringing));
        harness.expectOne(response(200, CALLER), "a late PRACK still matches");
        harness.receive(CALLER, alice.ack());
        harness.advanceMs(5_000);
        assertEquals(0, harness.drain().stream().filter(response(180, CALLER)).count(), "no 180 after the 200");
        assertEquals(List.of(), offerAnswerSurprises());
    }

    @Test
    void shouldRefuseAPrackWithAnOfferOrOneNamingNothing()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final Sent progress = harness.drain().stream().filter(response(183, CALLER)).findFirst().orElseThrow();
        alice.learn(progress);
        harness.receive(CALLER, alice.inDialog("PRACK", "RAck: 999 1 INVITE\r\n"));
        harness.expectOne(response(481, CALLER), "481 for an RSeq never sent");
        final String withOffer = prackOf(progress).replace("Content-Length: 0\r\n\r\n",
            "Content-Type: application/sdp\r\nContent-Length: " + SipPhone.SDP.length() + "\r\n\r\n" + SipPhone.SDP);
        harness.receive(CALLER, withOffer);
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(response(488, CALLER)).count(), "no offer in PRACK: " + out);
        assertEquals(0, out.stream().filter(request("PRACK", CALLEE)).count(), "a PRACK is never relayed");
        harness.advanceMs(2_000);
        assertEquals(0, harness.drain().stream().filter(response(183, CALLER)).count(), "acknowledged all the same");
    }

    @Test
    void shouldAcceptRequire100relFromVersion6()
    {
        final Sent invite = call(REQUIRES_100REL);
        assertTrue(invite.text.contains("\r\nSupported: timer, 100rel\r\n"), invite::toString);
        assertNull(invite.header(HeaderName.REQUIRE), "option tags are each leg's own");
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        final Sent ringing = harness.expectOne(response(180, CALLER), "180 to Alice");
        assertEquals("100rel", ringing.header(HeaderName.REQUIRE), "she requires it: reliable even if Bob's was not");
    }

    /** An INVITE without offer: an SDP in a reliable 18x would be an offer Referee cannot answer in a PRACK. */
    @Test
    void shouldKeepTheOfferOutOfReliableProvisionalsToACallerWithoutOffer()
    {
        harness.receive(CALLER, withoutOffer(alice.invite("bob", "prack-1@alice", REQUIRES_100REL)));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        assertTrue(invite.text.contains("\r\nSupported: timer\r\n"), "no 100rel offered without an offer: " + invite);
        harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", SipPhone.SDP));
        final Sent progress = harness.expectOne(response(183, CALLER), "183 to Alice");
        assertEquals("100rel", progress.header(HeaderName.REQUIRE), "she requires it");
        assertEquals("", progress.body(), "without the callee's SDP");
    }

    /** Only supporting 100rel with an INVITE without offer: provisionals as before, unreliable with their body. */
    @Test
    void shouldRelayUnreliablyToACallerWithoutOfferThatOnlySupports100rel()
    {
        harness.receive(CALLER, withoutOffer(alice.invite("bob", "prack-1@alice", SUPPORTS_100REL)));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 183, "Session Progress", SipPhone.SDP));
        final Sent progress = harness.expectOne(response(183, CALLER), "183 to Alice");
        assertNull(progress.header(HeaderName.RSEQ), progress::toString);
        assertEquals(SipPhone.media(SipPhone.SDP), progress.media());
    }

    private static String withoutOffer(final String invite)
    {
        final int body = invite.indexOf("Content-Type: application/sdp");
        return invite.substring(0, body) + "Content-Length: 0\r\n\r\n";
    }

    /** Referee sends reliable provisionals only to a new call's INVITE: a re-INVITE requiring 100rel gets 420. */
    @Test
    void shouldRefuseARequestOfADialogThatRequires100rel()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(first(harness.drain(), response(200, CALLER)));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP_HOLD, REQUIRES_100REL));
        final Sent bad = first(harness.drain(), response(420, CALLER));
        assertEquals("100rel", bad.header(HeaderName.UNSUPPORTED));
    }

    @Test
    void shouldStillRefuseRequire100relInAVersion5Journal()
    {
        harness = EngineHarness.ofVersion(5);
        harness.receive(CALLER, alice.invite("bob", "prack-1@alice", REQUIRES_100REL));
        final Sent bad = harness.expectOne(response(420, CALLER), "420 as version 5 answered");
        assertEquals("100rel", bad.header(HeaderName.UNSUPPORTED));
    }

    @Test
    void shouldNeitherOfferNorAcknowledge100relInAVersion5Journal()
    {
        harness = EngineHarness.ofVersion(5);
        final Sent invite = call(SUPPORTS_100REL);
        assertTrue(invite.text.contains("\r\nSupported: timer\r\n"), invite::toString);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final List<Sent> out = harness.drain();
        assertEquals(0, out.stream().filter(request("PRACK", CALLEE)).count(), out::toString);
        assertNull(out.stream().filter(response(183, CALLER)).findFirst().orElseThrow().header(HeaderName.RSEQ));
    }

    /**
     * A snapshot taken while a reliable 183 waits for the caller's PRACK (and a 180 waits behind it) restores an engine
     * that goes on exactly as the original: the same retransmissions, the same 200 to the PRACK, the 180 after it.
     */
    @Test
    void shouldRestoreAReliableProvisionalWaitingForItsPrack()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final Sent progress = harness.drain().stream().filter(response(183, CALLER)).findFirst().orElseThrow();
        harness.receive(CALLEE, reliable(bob, invite, 180, 2, null));
        harness.advanceMs(700);
        harness.drain();

        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final List<String> restoredSent = new ArrayList<>();
        final Engine restored = new Engine(harness.config, (transport, destination, connectionId, buffer, offset,
            length) ->
        {
            restoredSent.add(buffer.getStringWithoutLengthAscii(offset, length));
            return true;
        }, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored), "the reliable provisionals' state and timers");
        harness.mirror(restored);

        harness.advanceMs(1_000); // the 183 again at 1.5 s
        alice.learn(progress);
        harness.receive(CALLER, prackOf(progress));
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final List<String> originalSent = harness.drain().stream().map(s -> s.text).toList();
        assertEquals(originalSent, restoredSent, "the restored engine sends what the original does");
        assertTrue(originalSent.stream().anyMatch(t -> t.startsWith("SIP/2.0 183")), "the 183 again");
        assertTrue(originalSent.stream().anyMatch(t -> t.startsWith("SIP/2.0 180") && t.contains("RSeq")),
            "the waiting 180 after the PRACK");
        assertTrue(originalSent.stream().anyMatch(t -> t.startsWith("SIP/2.0 200") && t.contains("PRACK")),
            "200 to the PRACK");
        assertEquals(List.of(), offerAnswerSurprises());
    }

    /** The 2xx to the INVITE among what Referee sent Alice (not the 200 to a PRACK). */
    private static List<Sent> inviteOks(final List<Sent> out)
    {
        return out.stream().filter(response(200, CALLER)).filter(s -> s.header(HeaderName.CSEQ).endsWith("INVITE"))
            .toList();
    }

    /** Alice calls with 100rel, Bob's reliable 183 with SDP goes to her and Bob gets his PRACK answered: her 183. */
    private Sent ringWithAnEarlyAnswer(final Sent invite)
    {
        harness.receive(CALLEE, reliable(bob, invite, 183, 1, SipPhone.SDP));
        final List<Sent> out = harness.drain();
        harness.receive(CALLEE, bob.answer(first(out, request("PRACK", CALLEE)), 200, "OK", null));
        return first(out, response(183, CALLER));
    }

    /**
     * RFC 3262 §3: no 2xx while a reliable provisional with SDP is unacknowledged. Bob's 200 waits for Alice's PRACK
     * of the 183 (which keeps going again meanwhile), then goes at once; Bob's ACK comes with Alice's, as always.
     */
    @Test
    void shouldHoldThe2xxUntilThePrackOfAReliableProvisionalWithSdp()
    {
        final Sent invite = call(SUPPORTS_100REL);
        final Sent progress = ringWithAnEarlyAnswer(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        assertEquals(List.of(), harness.drain(), "the 200 is held: nothing to Alice, nothing to Bob yet");
        assertFalse(harness.events.stream().anyMatch(e -> e.startsWith("answered")), harness.events::toString);
        harness.advanceMs(1_000);
        final List<Sent> again = harness.drain();
        assertEquals(List.of(progress.text), again.stream().map(s -> s.text).toList(), "only the 183 again");

        alice.learn(progress);
        harness.receive(CALLER, prackOf(progress));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(response(200, CALLER)).filter(s -> s.header(HeaderName.CSEQ)
            .endsWith("PRACK")).count(), out::toString);
        final List<Sent> oks = inviteOks(out);
        assertEquals(1, oks.size(), "the held 200 goes with the PRACK's: " + out);
        final Sent ok = oks.get(0);
        assertEquals(SipPhone.media(SipPhone.SDP), ok.media());
        assertTrue(ok.text.contains("\r\nContact: "), ok::toString);
        assertNull(ok.header(HeaderName.RSEQ), ok::toString);
        alice.learn(ok);
        harness.advanceMs(600);
        assertEquals(List.of(ok.text), harness.drain().stream().map(s -> s.text).toList(),
            "the 200 goes again until the ACK, the 183 no more");
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to Bob");
        assertEquals(List.of(), offerAnswerSurprises());
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", CALLEE), "BYE to Bob");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        assertTrue(harness.events.stream().anyMatch(e -> e.startsWith("answered")), harness.events::toString);
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /** The unacknowledged reliable 180 has no SDP: the 2xx may go before its PRACK (RFC 3262 §3), and does. */
    @Test
    void shouldNotHoldThe2xxWhenTheUnacknowledgedProvisionalHasNoSdp()
    {
        final Sent invite = call(SUPPORTS_100REL);
        harness.receive(CALLEE, reliable(bob, invite, 180, 1, null));
        harness.drain();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        assertEquals(1, inviteOks(harness.drain()).size(), "the 200 at once");
    }

    /**
     * A held 2xx whose PRACK never comes: the call ends as without one (500 to Alice, cause no-prack), but Bob's dialog
     * is confirmed, so it gets ACK and BYE, not a CANCEL.
     */
    @Test
    void shouldAnswer500AndByeTheCalleeWhenThePrackNeverComesForAHeld2xx()
    {
        final Sent invite = call(SUPPORTS_100REL);
        ringWithAnEarlyAnswer(invite);
        harness.advanceMs(2_000);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.advanceMs(29_000, 10);
        assertEquals(List.of(), harness.drain().stream().filter(s -> !s.isResponse(183)).toList(),
            "held until 64*T1 after the 183");
        harness.advanceMs(1_100, 10);
        final List<Sent> out = harness.drain();
        final Sent failed = first(out, response(500, CALLER));
        assertTrue(failed.header(HeaderName.REASON).contains("RFC 3262"), failed::toString);
        assertEquals(List.of(), inviteOks(out), "the held 200 never goes");
        assertEquals(0, out.stream().filter(request("CANCEL", CALLEE)).count(), out::toString);
        final Sent ack = first(out, request("ACK", CALLEE));
        final Sent bye = first(out, request("BYE", CALLEE));
        assertTrue(out.indexOf(ack) < out.indexOf(bye), "ACK before BYE: " + out);
        assertEquals("bob-tag", bye.toTag());
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.receive(CALLER, alice.ackFailure(failed));
        assertTrue(harness.events.contains("ended 1 no-prack 500"), harness.events::toString);
        assertEquals(1, harness.counters.get(EngineCounters.PROVISIONALS_UNACKNOWLEDGED));
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /** A caller that cancels while its 2xx is held: 487, and the callee's confirmed dialog gets ACK and BYE. */
    @Test
    void shouldByeTheCalleeWhenTheCallerCancelsWhileThe2xxIsHeld()
    {
        final Sent invite = call(SUPPORTS_100REL);
        ringWithAnEarlyAnswer(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.drain();
        harness.receive(CALLER, alice.cancel());
        final List<Sent> out = harness.drain();
        first(out, response(487, CALLER));
        assertEquals(List.of(), inviteOks(out));
        first(out, request("ACK", CALLEE));
        final Sent bye = first(out, request("BYE", CALLEE));
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    /** A snapshot taken while Bob's 2xx is held restores an engine that sends it on Alice's PRACK, as the original. */
    @Test
    void shouldRestoreA2xxHeldForThePrack()
    {
        final Sent invite = call(SUPPORTS_100REL);
        final Sent progress = ringWithAnEarlyAnswer(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.advanceMs(700);
        harness.drain();

        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final List<String> restoredSent = new ArrayList<>();
        final Engine restored = new Engine(harness.config, (transport, destination, connectionId, buffer, offset,
            length) ->
        {
            restoredSent.add(buffer.getStringWithoutLengthAscii(offset, length));
            return true;
        }, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored), "the held 2xx and its leg's state");
        harness.mirror(restored);

        harness.advanceMs(1_000); // the 183 again at 1.5 s
        final List<Sent> beforePrack = harness.drain();
        assertEquals(List.of(progress.text), beforePrack.stream().map(s -> s.text).toList(),
            "still held after the restore: only the 183 again");
        alice.learn(progress);
        harness.receive(CALLER, prackOf(progress));
        final List<Sent> afterPrack = harness.drain();
        final Sent ok = first(afterPrack, s -> inviteOks(List.of(s)).size() == 1);
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        final List<String> originalSent = new ArrayList<>(beforePrack.stream().map(s -> s.text).toList());
        originalSent.addAll(afterPrack.stream().map(s -> s.text).toList());
        originalSent.addAll(harness.drain().stream().map(s -> s.text).toList());
        assertEquals(originalSent, restoredSent, "the restored engine sends what the original does");
        assertTrue(originalSent.stream().anyMatch(t -> t.startsWith("ACK ")), "ACK to Bob");
        assertEquals(List.of(), offerAnswerSurprises());
    }
}
