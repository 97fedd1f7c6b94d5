package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session timers (RFC 4028, issue 12) on each leg: Referee offers them to the callee, refuses an interval below its
 * Min-SE, answers the caller's with its interval, refreshes where it is the refresher (UPDATE, or a re-INVITE with the
 * same SDP), and ends a call whose refresh does not come with BYE on both legs and cause session-expired.
 */
class SessionTimersTest
{
    private static final String CALLER_REFRESHES = "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n";
    /** The callee's 2xx: Referee (the UAC on that leg) refreshes every 45 s. */
    private static final String REFEREE_REFRESHES = "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n";
    private static final String ALLOW_UPDATE = "Allow: INVITE, ACK, CANCEL, BYE, UPDATE\r\n";

    private EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    /** {@code message} with {@code headers} ("Name: value\r\n" lines) after its first line. */
    private static String with(final String message, final String headers)
    {
        final int end = message.indexOf("\r\n") + 2;
        return message.substring(0, end) + headers + message.substring(end);
    }

    /** Alice calls Bob with {@code callerHeaders}; Bob answers with {@code calleeHeaders}: returns Alice's 200. */
    private Sent establish(final String callerHeaders, final String calleeHeaders)
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice", callerHeaders));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        final String answer = bob.answer(invite, 200, "OK", SipPhone.SDP);
        harness.receive(CALLEE, calleeHeaders == null ? answer : with(answer, calleeHeaders));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to Alice");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        harness.drain();
        return ok;
    }

    /**
     * Moves time on by {@code seconds}, a second at a time; what Referee sent meanwhile. A timer fires once its
     * deadline's tick has passed: one due at exactly the end of a step goes with the next.
     */
    private List<Sent> wait(final int seconds)
    {
        harness.advanceMs(seconds * 1000L, 1000);
        return harness.drain();
    }

    /** Both legs get a BYE; once answered, the call ends with {@code cause}. */
    private void assertEndsWithByes(final List<Sent> out, final String cause)
    {
        final Sent byeAlice = out.stream().filter(request("BYE", CALLER)).findFirst()
            .orElseThrow(() -> new AssertionError("no BYE to Alice: " + out));
        final Sent byeBob = out.stream().filter(request("BYE", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("no BYE to Bob: " + out));
        harness.receive(CALLER, alice.answer(byeAlice, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(byeBob, 200, "OK", null));
        assertTrue(harness.events.contains("ended 1 " + cause + " 0"), harness.events::toString);
        harness.advanceMs(40_000, 1000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldOfferSessionTimersOnTheInviteToTheCallee()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        assertEquals("timer", invite.header(HeaderName.SUPPORTED));
        assertEquals("1800", invite.header(HeaderName.SESSION_EXPIRES));
        assertEquals("90", invite.header(HeaderName.MIN_SE));
    }

    @Test
    void shouldRefuseAnIntervalBelowMinSeWith422()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice", "Session-Expires: 60\r\n"));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.size(), out::toString);
        assertEquals(422, out.get(0).status(), out::toString);
        assertEquals("90", out.get(0).header(HeaderName.MIN_SE));
        assertEquals(0, harness.engine.activeCalls());
    }

    @Test
    void shouldFollowTheConfiguredIntervalAndMinSe()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), now.behaviour(), 600, 120));
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        assertEquals("600", invite.header(HeaderName.SESSION_EXPIRES));
        assertEquals("120", invite.header(HeaderName.MIN_SE));
        harness.receive(CALLER, new SipPhone("carol", EngineHarness.TARGET).invite("bob", "call-2@carol",
            "Session-Expires: 100\r\n"));
        final Sent refused = harness.expectOne(s -> s.isResponse(422), "422 below sip.min-se");
        assertEquals("120", refused.header(HeaderName.MIN_SE));
    }

    @Test
    void shouldAcceptRequireTimer()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice", "Require: timer\r\n" + CALLER_REFRESHES));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(s -> s.isResponse(420)), out::toString);
        assertTrue(out.stream().anyMatch(request("INVITE", CALLEE)), out::toString);
    }

    @Test
    void shouldKeepTheBehaviourOfAJournalFromBeforeNodeStartVersion5()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), 4));
        harness.receive(CALLER, alice.invite("bob", "call-1@alice", "Session-Expires: 60\r\n"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob, as that node sent it");
        assertNull(invite.header(HeaderName.SESSION_EXPIRES));
        harness.receive(CALLER, new SipPhone("carol", EngineHarness.TARGET).invite("bob", "call-2@carol",
            "Require: timer\r\n"));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isResponse(420)), "Require: timer got 420 then");
    }

    @Test
    void shouldAnswerTheCallersIntervalAndEndTheCallWhenItsRefreshDoesNotCome()
    {
        final Sent ok = establish(CALLER_REFRESHES, null);
        assertEquals("90;refresher=uac", ok.header(HeaderName.SESSION_EXPIRES));
        assertEquals("timer", ok.header(HeaderName.REQUIRE), "the caller must refresh (RFC 4028 §9)");
        assertEquals("timer", ok.header(HeaderName.SUPPORTED));

        assertTrue(wait(59).isEmpty(), "before 90 - 30 s nothing happens");
        final List<Sent> out = wait(2);
        assertEndsWithByes(out, "session-expired");
    }

    @Test
    void shouldKeepTheCallWhileTheCallerRefreshes()
    {
        establish(CALLER_REFRESHES, null);
        wait(40);
        harness.receive(CALLER, alice.reinvite(SipPhone.SDP, CALLER_REFRESHES));
        final Sent relayed = harness.expectOne(request("INVITE", CALLEE), "the refresh, relayed");
        assertEquals("timer", relayed.header(HeaderName.SUPPORTED));
        assertNull(relayed.header(HeaderName.SESSION_EXPIRES), "Bob's leg has no timer: its own, not Alice's");
        harness.receive(CALLEE, bob.ok(relayed, SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to the refresh");
        assertEquals("90;refresher=uac", ok.header(HeaderName.SESSION_EXPIRES));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        assertTrue(wait(59).stream().noneMatch(s -> s.isRequest("BYE")), "the refresh restarted the timer");
        assertEndsWithByes(wait(2), "session-expired");
    }

    @Test
    void shouldTakeTheCallersUpdateAsARefresh()
    {
        establish(CALLER_REFRESHES, null);
        wait(50);
        harness.receive(CALLER, alice.inDialog("UPDATE", CALLER_REFRESHES));
        final Sent relayed = harness.expectOne(request("UPDATE", CALLEE), "the UPDATE, relayed end to end");
        harness.receive(CALLEE, bob.answer(relayed, 200, "OK", null));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 to the UPDATE");
        assertEquals("90;refresher=uac", ok.header(HeaderName.SESSION_EXPIRES));

        assertTrue(wait(59).stream().noneMatch(s -> s.isRequest("BYE")), "the UPDATE restarted the timer");
        assertEndsWithByes(wait(2), "session-expired");
    }

    @Test
    void shouldRefreshWithUpdateWhenTheCalleeAllowsIt()
    {
        establish(null, REFEREE_REFRESHES + ALLOW_UPDATE);
        assertTrue(wait(44).isEmpty());
        final List<Sent> out = wait(2);
        assertEquals(1, out.size(), out::toString);
        final Sent update = out.get(0);
        assertTrue(update.isRequest("UPDATE") && update.destination.equals(CALLEE), update::toString);
        assertEquals("90;refresher=uac", update.header(HeaderName.SESSION_EXPIRES));
        assertEquals("", update.body(), "a refresh without offer");
        harness.receive(CALLEE, with(bob.answer(update, 200, "OK", null), REFEREE_REFRESHES));
        assertTrue(harness.drain().isEmpty(), "Alice's leg sees nothing of it");

        assertTrue(wait(44).isEmpty());
        assertTrue(wait(2).stream().anyMatch(s -> s.isRequest("UPDATE")), "the next refresh, 45 s after the 2xx");
    }

    @Test
    void shouldRefreshWithAReInviteOfferingTheSameSdpWithoutUpdate()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        harness.receive(CALLEE, with(bob.answer(invite, 200, "OK", SipPhone.SDP), REFEREE_REFRESHES));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        final Sent refresh = wait(46).stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("no re-INVITE refresh"));
        assertEquals(invite.cseq() + 1, refresh.cseq());
        assertEquals(invite.body(), refresh.body(), "the last SDP sent on the leg, o= version unchanged");
        harness.receive(CALLEE, with(bob.ok(refresh, SipPhone.SDP), REFEREE_REFRESHES));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.size(), out::toString);
        assertTrue(out.get(0).isRequest("ACK") && out.get(0).destination.equals(CALLEE), out::toString);
        assertTrue(wait(44).stream().noneMatch(s -> s.isRequest("BYE")));
    }

    @Test
    void shouldNegotiateAndRefreshTheTransferTargetsLegOfItsOwn()
    {
        establish(null, null);
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent toCarol = out.stream().filter(request("INVITE", EngineHarness.TARGET)).findFirst().orElseThrow();
        assertEquals("1800", toCarol.header(HeaderName.SESSION_EXPIRES), "the target's INVITE offers timers too");
        final SipPhone carol = new SipPhone("carol", EngineHarness.TARGET);
        carol.accept(toCarol);
        harness.receive(EngineHarness.TARGET, with(carol.answer(toCarol, 200, "OK", SipPhone.SDP),
            REFEREE_REFRESHES + ALLOW_UPDATE));
        final Sent join = harness.expectOne(request("INVITE", CALLER), "the join re-INVITE");
        harness.receive(CALLER, alice.ok(join, SipPhone.SDP));
        harness.drain().stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        harness.receive(CALLEE, bob.bye());
        harness.drain();

        final List<Sent> refresh = wait(46);
        assertTrue(refresh.stream().anyMatch(s -> s.isRequest("UPDATE") && s.destination.equals(EngineHarness.TARGET)),
            "Carol's leg is refreshed 45 s after her 2xx: " + refresh);
        assertTrue(refresh.stream().noneMatch(s -> s.destination.equals(CALLER)), "Alice's leg has no timer");
    }

    @Test
    void shouldEndTheCallWhenTheRefreshGets481()
    {
        establish(null, REFEREE_REFRESHES + ALLOW_UPDATE);
        final Sent update = wait(46).get(0);
        harness.receive(CALLEE, bob.answer(update, 481, "Call/Transaction Does Not Exist", null));
        assertEndsWithByes(harness.drain(), "session-expired");
    }

    @Test
    void shouldEndTheCallWhenTheCalleeNeverAnswersItsRefresh()
    {
        establish(null, REFEREE_REFRESHES + ALLOW_UPDATE);
        final Sent update = wait(46).get(0);
        assertTrue(update.isRequest("UPDATE"), update::toString);
        assertEndsWithByes(wait(40), "session-expired");
    }

    @Test
    void shouldRestoreTheTimersOfASnapshotTakenMidCall()
    {
        establish(CALLER_REFRESHES, REFEREE_REFRESHES + ALLOW_UPDATE);
        wait(20);
        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final List<String> sent = new ArrayList<>();
        final Engine restored = new Engine(harness.config, (transport, destination, connectionId, buffer, offset,
            length) ->
        {
            final String text = buffer.getStringWithoutLengthAscii(offset, length);
            sent.add(text.substring(0, text.indexOf(' ')) + " " + destination.getPort());
            return true;
        }, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored), "both legs' intervals, refreshers and timers");

        final long nowNs = harness.inputs.get(harness.inputs.size() - 1).timeNs();
        restored.onTick(nowNs + TimeUnit.SECONDS.toNanos(26));
        assertEquals(List.of("UPDATE " + CALLEE.getPort()), sent, "Bob's leg is refreshed 45 s after its 2xx");
        sent.clear();
        restored.onTick(nowNs + TimeUnit.SECONDS.toNanos(41));
        assertTrue(sent.contains("BYE " + CALLER.getPort()), "Alice's refresh was due 60 s after her 2xx: " + sent);
    }

    /** Bob's 422 to {@code invite}, naming {@code minSeS} as the least interval he takes (RFC 4028 §8.1). */
    private String intervalTooSmall(final Sent invite, final int minSeS)
    {
        return with(bob.answer(invite, 422, "Session Interval Too Small", null), "Min-SE: " + minSeS + "\r\n");
    }

    /**
     * RFC 4028 §7.4: Bob answers 422 with Min-SE: 3600. Referee, a B2BUA, asks him again itself (same Call-ID and
     * From tag, a new branch and CSeq, Alice's offer again) with Session-Expires and Min-SE raised to 3600; Alice sees
     * only the 200 of the second INVITE.
     */
    @Test
    void shouldSendTheInviteAgainWithTheMinSeOfTheCalleesIntervalTooSmall()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        assertEquals("1800", invite.header(HeaderName.SESSION_EXPIRES));
        harness.receive(CALLEE, intervalTooSmall(invite, 3600));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(CALLER)), "Alice never sees the 422: " + out);
        assertEquals(1, out.stream().filter(request("ACK", CALLEE)).count(), "the 422 is acknowledged: " + out);
        final Sent retry = out.stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE again: " + out));
        assertEquals("3600", retry.header(HeaderName.SESSION_EXPIRES));
        assertEquals("3600", retry.header(HeaderName.MIN_SE));
        assertEquals(invite.callId(), retry.callId());
        assertEquals(invite.fromTag(), retry.fromTag());
        assertEquals("", retry.toTag(), "a new INVITE, outside any dialog");
        assertEquals(invite.cseq() + 1, retry.cseq());
        assertTrue(!retry.branch().equals(invite.branch()), "a new transaction");
        assertEquals(invite.body(), retry.body(), "Alice's offer again");
        assertEquals(invite.firstLine(), retry.firstLine(), "the same callee");

        bob.accept(retry);
        harness.receive(CALLEE, with(bob.answer(retry, 200, "OK", SipPhone.SDP),
            "Supported: timer\r\nSession-Expires: 3600;refresher=uac\r\n"));
        final Sent ok = harness.expectOne(response(200, CALLER), "Bob's 200 to Alice");
        alice.learn(ok);
        harness.receive(CALLER, alice.ack());
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK to Bob");
        assertEquals(retry.cseq(), ack.cseq());
        assertTrue(harness.events.stream().noneMatch(e -> e.contains("422")), harness.events::toString);
    }

    /** At most two INVITEs again per call: a third 422 goes to Alice, as before node-start version 6. */
    @Test
    void shouldRelayTheCalleesThird422()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        for (final int minSeS : new int[] {2000, 3000})
        {
            bob.accept(invite);
            harness.receive(CALLEE, intervalTooSmall(invite, minSeS));
            invite = harness.drain().stream().filter(request("INVITE", CALLEE)).findFirst().orElseThrow();
            assertEquals(Integer.toString(minSeS), invite.header(HeaderName.SESSION_EXPIRES));
        }
        bob.accept(invite);
        harness.receive(CALLEE, intervalTooSmall(invite, 4000));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(response(422, CALLER)).count(), out::toString);
        assertEquals(0, out.stream().filter(request("INVITE", CALLEE)).count(), out::toString);
        assertTrue(harness.events.contains("ended 1 rejected 422"), harness.events::toString);
    }

    /** A 422 whose Min-SE asks for no more than Referee asked (or none) is relayed: asking again would not help. */
    @Test
    void shouldRelayA422ThatAsksForNoLongerInterval()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        harness.receive(CALLEE, intervalTooSmall(invite, 1800));
        assertEquals(1, harness.drain().stream().filter(response(422, CALLER)).count());
    }

    @Test
    void shouldRelayTheCalleesIntervalTooSmallInAVersion5Journal()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), 5));
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        harness.receive(CALLEE, intervalTooSmall(invite, 3600));
        final List<Sent> out = harness.drain();
        assertEquals(1, out.stream().filter(response(422, CALLER)).count(), "relayed, as version 5 did: " + out);
        assertEquals(0, out.stream().filter(request("INVITE", CALLEE)).count(), out::toString);
    }

    /** A snapshot taken after one 422 keeps the raised interval and the count: the restored engine goes on the same. */
    @Test
    void shouldRestoreTheIntervalACallees422Raised()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to Bob");
        bob.accept(invite);
        harness.receive(CALLEE, intervalTooSmall(invite, 2000));
        invite = harness.drain().stream().filter(request("INVITE", CALLEE)).findFirst().orElseThrow();

        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final List<String> restoredSent = new ArrayList<>();
        final Engine restored = new Engine(harness.config, (transport, destination, connectionId, buffer, offset,
            length) ->
        {
            restoredSent.add(buffer.getStringWithoutLengthAscii(offset, length));
            return true;
        }, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored), "the call's raised interval and retries");
        harness.mirror(restored);

        bob.accept(invite);
        harness.receive(CALLEE, intervalTooSmall(invite, 3000));
        final Sent again = harness.drain().stream().filter(request("INVITE", CALLEE)).findFirst().orElseThrow();
        assertEquals("3000", again.header(HeaderName.SESSION_EXPIRES));
        bob.accept(again);
        harness.receive(CALLEE, intervalTooSmall(again, 4000));
        final List<String> originalSent = harness.drain().stream().map(s -> s.text).toList();
        assertTrue(originalSent.stream().anyMatch(t -> t.startsWith("SIP/2.0 422")), "the third 422 relayed");
        assertEquals(originalSent, restoredSent.subList(restoredSent.size() - originalSent.size(),
            restoredSent.size()), "the restored engine sends what the original does");
    }
}
