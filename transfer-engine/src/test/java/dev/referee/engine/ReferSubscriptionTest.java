package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
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
 * The implicit subscription a REFER creates (RFC 3515 §2.4.4) is Referee's, not the transferee's: a SUBSCRIBE that
 * refreshes or ends it (Event: refer) is answered by Referee, never relayed to the other party; and it outlives the
 * transferor's BYE (RFC 5057 §5.2: the subscription usage survives the INVITE usage), so an unsubscribe sent after
 * the BYE gets 200, not 481.
 */
class ReferSubscriptionTest
{
    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    private Sent establishAndRefer()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY")).forEach(n -> harness.receive(CALLEE, bob.answer(n, 200, "OK", null)));
        harness.drain();
        return out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET)).findFirst().orElseThrow();
    }

    @Test
    void shouldAnswerARefreshOfTheReferSubscriptionItself()
    {
        establishAndRefer();
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 60\r\n"));
        final List<Sent> out = harness.drain();
        final Sent ok = out.stream().filter(s -> s.isResponse(200) && s.destination.equals(CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("no 200 to the SUBSCRIBE: " + out));
        assertTrue(ok.header(HeaderName.EXPIRES) != null, ok.text);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("SUBSCRIBE")), "not relayed to the transferee: " + out);
    }

    @Test
    void shouldEndTheSubscriptionOnExpiresZeroWithAFinalNotify()
    {
        final Sent toCarol = establishAndRefer();
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 0\r\n"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE)), out::toString);
        final Sent last = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst()
            .orElseThrow(() -> new AssertionError("no final NOTIFY (RFC 6665 §4.2.1.4): " + out));
        assertTrue(last.header(HeaderName.SUBSCRIPTION_STATE).startsWith("terminated"), last.text);
        assertEquals("SIP/2.0 100 Trying\r\n", last.body(), "the state last reported");
        assertTrue(out.stream().noneMatch(s -> s.isRequest("SUBSCRIBE")), out::toString);
        harness.receive(CALLEE, bob.answer(last, 200, "OK", null));

        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 180, "Ringing", null));
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("NOTIFY")),
            "no progress is reported to a transferor that unsubscribed");
    }

    @Test
    void shouldAnswerAnUnsubscribeAfterTheTransferEndedAndItsCallWasReleasedWith200()
    {
        final Sent toCarol = establishAndRefer();
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 200, "OK", SipPhone.SDP));
        final Sent reinvite = harness.expectOne(request("INVITE", CALLER), "re-INVITE of the transferee");
        harness.receive(CALLER, alice.answer(reinvite, 200, "OK", SipPhone.SDP));
        harness.advanceMs(40_000); // every transaction of bob's dialog has run out: Referee holds nothing of it
        harness.drain();
        assertEquals(2, harness.engine.dialogs(), "only alice's and carol's legs remain: " + harness.state());
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 0\r\n"));
        final Sent ok = harness.expectOne(response(200, CALLEE), "200 to the unsubscribe, not 481");
        assertEquals("0", ok.header(HeaderName.EXPIRES));
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 60\r\n"));
        harness.expectOne(response(481, CALLEE), "a refresh of a subscription that is over");
    }

    @Test
    void shouldRelayItAsBeforeForAJournalFromBeforeNodeStartVersion4()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), 3));
        establishAndRefer();
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 60\r\n"));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("SUBSCRIBE") && s.destination.equals(CALLER)),
            "replayed as that journal's node did it");
    }

    @Test
    void shouldAnswerAnUnsubscribeAfterTheTransferorsByeWith200()
    {
        establishAndRefer();
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        harness.receive(CALLEE, bob.inDialog("SUBSCRIBE", "Event: refer\r\nExpires: 0\r\n"));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(s -> s.destination.equals(CALLEE) && s.isResponse(200)).count(),
            "200, not 481: " + out);
    }
}
