package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.CallSnapshots;
import dev.referee.engine.call.Leg;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-INVITE that joins a transfer's transferee to its target (issue 12). Glare: the transferee's own re-INVITE
 * crossed Referee's and it answers 491; RFC 3261 §14.1: wait a random 0 to 2 s (2.1 to 4 s when Referee made the
 * dialog's Call-ID) and send the re-INVITE again, rather than failing the transfer; give up after a few. Identity: on
 * a trusted trunk the re-INVITE tells the transferee whom it talks to now (P-Asserted-Identity, RFC 3325).
 */
class JoinReInviteTest
{
    private static final String SDP_CAROL = SipPhone.SDP.replace("m=audio 4000", "m=audio 6000");
    private static final String SDP_ALICE = SipPhone.SDP.replace("m=audio 4000", "m=audio 4002");

    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    /** Alice calls Bob, Bob transfers her to Carol, Carol answers: returns the join re-INVITE Alice gets. */
    private Sent joinReInvite()
    {
        return joinReInvite("");
    }

    /** As above, with {@code extraHeaders} ("Name: value\r\n" lines) in Alice's INVITE. */
    private Sent joinReInvite(final String extraHeaders)
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice").replaceFirst("\r\n", "\r\n" + extraHeaders));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent toCarol = out.stream().filter(request("INVITE", TARGET)).findFirst().orElseThrow();
        carol.accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 200, "OK", SDP_CAROL));
        return harness.expectOne(request("INVITE", CALLER), "the join re-INVITE");
    }

    /** Alice answers {@code reinvite} 491: Referee ACKs it and tells nobody else anything. */
    private void glare(final Sent reinvite)
    {
        harness.receive(CALLER, alice.answer(reinvite, 491, "Request Pending", null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLER)), out::toString);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("NOTIFY") || s.isRequest("BYE")),
            "the transfer goes on: " + out);
    }

    /** Moves time on by 10 ms steps until Referee sends something; returns it and the wait. */
    private List<Sent> waitForRetry(final long maxMs)
    {
        for (long waited = 0; waited <= maxMs; waited += 10)
        {
            harness.advanceMs(10);
            final List<Sent> out = harness.drain();
            if (!out.isEmpty())
            {
                return out;
            }
        }
        throw new AssertionError("no retry within " + maxMs + " ms");
    }

    @Test
    void shouldSendTheJoinAgainAfterTheDelayAndCompleteTheTransfer()
    {
        final Sent first = joinReInvite();
        glare(first);

        final List<Sent> retry = waitForRetry(2_000);
        assertEquals(1, retry.size(), retry::toString);
        final Sent again = retry.get(0);
        assertTrue(again.isRequest("INVITE") && again.destination.equals(CALLER), again::toString);
        assertEquals(first.cseq() + 1, again.cseq(), "a new transaction in the same dialog");
        assertEquals(SipPhone.media(SDP_CAROL), again.media(), "the target's offer again");
        assertEquals(first.header(HeaderName.CALL_ID), again.header(HeaderName.CALL_ID));

        harness.receive(CALLER, alice.answer(again, 200, "OK", SDP_ALICE));
        final List<Sent> out = harness.drain();
        final Sent ackCarol = out.stream().filter(s -> s.isRequest("ACK") && s.destination.equals(TARGET))
            .findFirst().orElseThrow(() -> new AssertionError("no ACK to the target: " + out));
        assertEquals(SipPhone.media(SDP_ALICE), ackCarol.media(), "the transferee's answer reaches the target");
        assertTrue(harness.events.contains("transfer-completed 1 new=2"), harness.events::toString);
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        harness.receive(CALLEE, bob.bye());
        harness.drain();

        harness.receive(TARGET, carol.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldKeepTheRetryInASnapshotTakenWhileItWaits()
    {
        glare(joinReInvite());
        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final Engine restored = new Engine(harness.config, (t, d, c, b, o, l) -> true, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored), "the offer and the retry timer come back");
    }

    @Test
    void shouldFailTheTransferWith491WhenGlareKeepsComingBack()
    {
        Sent reinvite = joinReInvite();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            glare(reinvite);
            reinvite = waitForRetry(2_000).get(0);
        }
        harness.receive(CALLER, alice.answer(reinvite, 491, "Request Pending", null));
        final List<Sent> out = harness.drain();
        final Sent notify = out.stream().filter(s -> s.isRequest("NOTIFY")).findFirst()
            .orElseThrow(() -> new AssertionError("the transferor is told: " + out));
        assertEquals("SIP/2.0 491 Request Pending\r\n", notify.body());
        assertEquals(1, harness.engine.activeCalls(), "Alice stays with Bob");
    }

    private static Leg leg(final B2bua b2bua, final String callId)
    {
        return CallSnapshots.legs(b2bua).stream().map(Leg.class::cast).filter(l -> l.callId().equals(callId))
            .findFirst().orElseThrow();
    }

    /** Every party of the harness (127.0.0.1) in one trunk, trusted or not. */
    private static EngineHarness harnessWithTrunk(final boolean trusted)
    {
        return new EngineHarness(EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(
            new TrunkConfig("pbx", List.of(Cidr.parse("127.0.0.1/32")), TrunkTransferPolicy.defaults(),
                TrunkCallPolicy.defaults(), new TrunkHeaderPolicy(trusted, List.of()))),
            RedirectConfig.defaults(), EngineHarness.routes()));
    }

    @Test
    void shouldTellATransfereeOnATrustedTrunkWhomItTalksToNow()
    {
        harness = harnessWithTrunk(true);
        final Sent join = joinReInvite();
        assertEquals("<sip:carol@example.com>", join.header(HeaderName.P_ASSERTED_IDENTITY));
        glare(join);
        assertEquals("<sip:carol@example.com>", waitForRetry(2_000).get(0).header(HeaderName.P_ASSERTED_IDENTITY),
            "the retried join too");
    }

    @Test
    void shouldChangeTheFromOfAPhoneThatAcceptsFromChangeToTheTarget()
    {
        harness = harnessWithTrunk(true);
        final Sent join = joinReInvite("Supported: replaces, from-change\r\n");
        assertTrue(join.header(HeaderName.FROM).startsWith("<sip:carol@example.com>;tag="), join.header(HeaderName.FROM));
        harness.receive(CALLER, alice.answer(join, 200, "OK", SDP_ALICE));
        harness.drain();
        harness.receive(TARGET, carol.bye());
        final Sent bye = harness.drain().stream().filter(request("BYE", CALLER)).findFirst().orElseThrow();
        assertEquals(join.header(HeaderName.FROM), bye.header(HeaderName.FROM), "the new identity, the same tag");
    }

    @Test
    void shouldKeepTheFromOfAPhoneThatDidNotSayFromChange()
    {
        harness = harnessWithTrunk(true);
        assertTrue(joinReInvite().header(HeaderName.FROM).contains("sip:bob@"), "the From it knows");
    }

    @Test
    void shouldAssertNoIdentityToAnUntrustedTrunk()
    {
        harness = harnessWithTrunk(false);
        assertEquals(null, joinReInvite().header(HeaderName.P_ASSERTED_IDENTITY));
    }

    @Test
    void shouldDrawTheDelayOfRfc3261WhoeverOwnsTheCallId()
    {
        joinReInvite();
        final B2bua b2bua = harness.engine.snapshotParts().b2bua();
        final Leg theirs = leg(b2bua, "call-1@alice");
        final Leg ours = leg(b2bua, harness.all().stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow().header(HeaderName.CALL_ID));
        final Set<Long> drawn = new HashSet<>();
        for (long index = 0; index < 200; index++)
        {
            final long notOwner = b2bua.glareDelayNs(theirs, index);
            final long owner = b2bua.glareDelayNs(ours, index);
            assertTrue(notOwner >= 0 && notOwner <= 2_000_000_000L && notOwner % 10_000_000L == 0, "" + notOwner);
            assertTrue(owner >= 2_100_000_000L && owner <= 4_000_000_000L && owner % 10_000_000L == 0, "" + owner);
            drawn.add(owner);
            assertEquals(owner, b2bua.glareDelayNs(ours, index), "the same draw again: a replay waits the same");
        }
        assertTrue(drawn.size() > 100, "spread over the range: " + drawn.size() + " values of 191");
    }
}
