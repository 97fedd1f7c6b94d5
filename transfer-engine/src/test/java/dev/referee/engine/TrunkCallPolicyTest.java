package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may send calls (issue 7): a trunk's {@code routes}, {@code limits.calls} and {@code limits.cps} on new INVITEs
 * from its sources, with engine time only. The carrier trunk is 127.0.0.2; the callee (127.0.0.1) is in no trunk.
 */
class TrunkCallPolicyTest
{
    private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5070);
    private static final List<Route> ROUTES = List.of(
        new Route("internal", Pattern.compile("bob"), CALLEE, Transport.UDP),
        new Route("pstn", Pattern.compile("carol"), TARGET, Transport.UDP));

    private int callers;

    private static TrunkConfig carrier(final List<String> routes, final int calls, final int cps, final int retryAfter)
    {
        return new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")), TrunkTransferPolicy.defaults(),
            new TrunkCallPolicy(routes, calls, cps, retryAfter, false), TrunkHeaderPolicy.defaults());
    }

    private static EngineHarness harness(final TrunkConfig trunk)
    {
        return new EngineHarness(ROUTES, List.of(trunk));
    }

    /** A new caller on the carrier trunk (own user, so its tags and branches are its own). */
    private SipPhone caller()
    {
        return new SipPhone("caller" + ++callers, CARRIER);
    }

    /** The caller's INVITE to {@code user}; returns what Referee sent. */
    private static List<Sent> invite(final EngineHarness harness, final SipPhone caller, final String user)
    {
        harness.receive(CARRIER, caller.invite(user, "call-" + caller.address().getPort() + "-" + caller.hashCode()));
        return harness.drain();
    }

    /** A call from the carrier answered by Bob: returns Bob's phone (the dialog learnt). */
    private SipPhone answeredCall(final EngineHarness harness, final SipPhone caller)
    {
        final List<Sent> out = invite(harness, caller, "bob");
        final Sent toBob = out.stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow(() -> new AssertionError("the call was not placed: " + out));
        final SipPhone bob = new SipPhone("bob", CALLEE).accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 200, "OK", SipPhone.SDP));
        caller.learn(harness.expectOne(response(200, CARRIER), "200 to the caller"));
        harness.receive(CARRIER, caller.ack());
        harness.drain();
        return bob;
    }

    private static Sent only(final List<Sent> out, final int status)
    {
        final List<Sent> matching = out.stream().filter(response(status, CARRIER)).toList();
        assertEquals(1, matching.size(), () -> "one " + status + " to the caller among " + out);
        assertTrue(out.stream().noneMatch(s -> s.isRequest("INVITE")), () -> "no INVITE went on: " + out);
        return matching.get(0);
    }

    private static long count(final EngineHarness harness, final int counter)
    {
        return harness.counters.trunks().get(0, counter);
    }

    @Test
    void shouldRefuseARouteTheTrunkMayNotTakeWith403AndAReason()
    {
        final EngineHarness harness = harness(carrier(List.of("internal"), 0, 0, 1));
        final Sent refused = only(invite(harness, caller(), "carol"), 403);
        assertTrue(refused.header(HeaderName.REASON).contains("cause=403") &&
            refused.header(HeaderName.REASON).contains("route pstn"), refused::toString);
        assertEquals(0, harness.engine.activeCalls(), "no call state left behind");
        assertEquals(0, harness.engine.dialogs());
        assertEquals(1, count(harness, TrunkCounters.ROUTE_REFUSED));

        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)),
            "a route the trunk may take is placed");
    }

    @Test
    void shouldAnswer503WithRetryAfterPastTheCallLimitUntilACallEndsWithBye()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 0, 7));
        final SipPhone first = caller();
        final SipPhone bob = answeredCall(harness, first);

        final Sent busy = only(invite(harness, caller(), "bob"), 503);
        assertEquals("7", busy.header(HeaderName.RETRY_AFTER));
        assertTrue(busy.header(HeaderName.REASON).contains("limits.calls"), busy::toString);
        assertEquals(1, harness.engine.activeCalls(), "the refused call left nothing");
        assertEquals(1, count(harness, TrunkCounters.CALL_LIMIT_REFUSED));
        assertEquals(1, count(harness, TrunkCounters.CALLS));

        harness.receive(CALLEE, bob.bye());
        final Sent byeToCaller = harness.expectOne(request("BYE", CARRIER), "BYE to the caller");
        harness.receive(CARRIER, first.answer(byeToCaller, 200, "OK", null));
        assertEquals(0, count(harness, TrunkCounters.CALLS));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)),
            "the ended call no longer counts");
    }

    @Test
    void shouldReleaseTheCallLimitWhenTheCallerCancels()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 0, 1));
        final SipPhone first = caller();
        final Sent toBob = invite(harness, first, "bob").stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow();
        final SipPhone bob = new SipPhone("bob", CALLEE).accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 180, "Ringing", null));
        harness.drain();
        only(invite(harness, caller(), "bob"), 503);

        harness.receive(CARRIER, first.cancel());
        final Sent cancel = harness.drain().stream().filter(request("CANCEL", CALLEE)).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(toBob, 487, "Request Terminated", null));
        harness.drain();
        assertEquals(0, harness.engine.activeCalls());
        assertEquals(0, count(harness, TrunkCounters.CALLS));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
    }

    @Test
    void shouldReleaseTheCallLimitWhenTheCalleeRefuses()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 0, 1));
        final Sent toBob = invite(harness, caller(), "bob").stream().filter(request("INVITE", CALLEE)).findFirst()
            .orElseThrow();
        final SipPhone bob = new SipPhone("bob", CALLEE).accept(toBob);
        harness.receive(CALLEE, bob.answer(toBob, 486, "Busy Here", null));
        harness.expectOne(response(486, CARRIER), "486 relayed");
        assertEquals(0, count(harness, TrunkCounters.CALLS));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
    }

    @Test
    void shouldReleaseTheCallLimitWhenTheCalleeNeverAnswers()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 0, 1));
        invite(harness, caller(), "bob");
        harness.advanceMs(40_000); // Timer B: 64 * T1 (500 ms)
        assertTrue(harness.drain().stream().anyMatch(response(408, CARRIER)));
        assertEquals(0, count(harness, TrunkCounters.CALLS));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
    }

    @Test
    void shouldRefuseCallsPastTheRateAndRefillFromEngineTime()
    {
        final EngineHarness harness = harness(carrier(List.of(), 0, 2, 3));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)),
            "a burst of one second's worth");
        final Sent slow = only(invite(harness, caller(), "bob"), 503);
        assertEquals("3", slow.header(HeaderName.RETRY_AFTER));
        assertTrue(slow.header(HeaderName.REASON).contains("limits.cps"), slow::toString);

        harness.advanceMs(500); // 2 per second: one token back
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
        only(invite(harness, caller(), "bob"), 503);
        assertEquals(2, count(harness, TrunkCounters.RATE_REFUSED));
        assertEquals(3, harness.engine.activeCalls(), "refused calls left nothing");
    }

    @Test
    void shouldNeverRefuseRequestsOfAnEstablishedDialog()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 1, 1));
        final SipPhone first = caller();
        answeredCall(harness, first);
        only(invite(harness, caller(), "bob"), 503);

        harness.receive(CARRIER, first.reinvite(SipPhone.SDP_HOLD));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(request("INVITE", CALLEE)), () -> "the re-INVITE went on: " + out);
        assertTrue(out.stream().noneMatch(response(503, CARRIER)), out::toString);
    }

    @Test
    void shouldNotCountCallsOfOtherSources()
    {
        final EngineHarness harness = harness(carrier(List.of("internal"), 1, 1, 1));
        final SipPhone local = new SipPhone("local", EngineHarness.CALLER);
        harness.receive(EngineHarness.CALLER, local.invite("carol", "local-1"));
        assertTrue(harness.drain().stream().anyMatch(request("INVITE", TARGET)),
            "a source in no trunk has the default policy: every route, no limit");
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
    }

    @Test
    void shouldKeepCountsAndBucketsAcrossASnapshot()
    {
        final TrunkConfig trunk = carrier(List.of(), 1, 1, 1);
        final EngineHarness live = harness(trunk);
        final SipPhone first = caller();
        final SipPhone bob = answeredCall(live, first);

        final EngineHarness restored = harness(trunk);
        EngineSnapshot.restore(restored.engine, EngineSnapshot.take(live.engine));
        assertEquals(1, count(restored, TrunkCounters.CALLS), "the count is derived from the restored calls");
        only(invite(restored, caller(), "bob"), 503);

        restored.receive(CALLEE, bob.bye());
        final Sent byeToCaller = restored.expectOne(request("BYE", CARRIER), "BYE to the caller");
        restored.receive(CARRIER, first.answer(byeToCaller, 200, "OK", null));
        assertEquals(0, count(restored, TrunkCounters.CALLS));
        final Sent rate = only(invite(restored, caller(), "bob"), 503);
        assertTrue(rate.header(HeaderName.REASON).contains("limits.cps"),
            "the bucket was restored spent: the one call this second was taken before the snapshot");
        restored.advanceMs(1000);
        assertTrue(invite(restored, caller(), "bob").stream().anyMatch(request("INVITE", CALLEE)));
    }

    @Test
    void shouldKeepCountingATransferredCallerAgainstItsTrunkUntilItHangsUp()
    {
        final EngineHarness harness = harness(carrier(List.of(), 1, 0, 1));
        final SipPhone caller = caller();
        final SipPhone bob = answeredCall(harness, caller);

        // Bob transfers the carrier's caller to Carol: the call that goes on is the caller's, still from the carrier.
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
        final List<Sent> accepted = harness.drain();
        accepted.stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        final Sent toCarol = accepted.stream().filter(request("INVITE", TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the target: " + accepted));
        final SipPhone carol = new SipPhone("carol", TARGET).accept(toCarol);
        harness.receive(TARGET, carol.answer(toCarol, 200, "OK", SipPhone.SDP));
        final Sent reinvite = harness.expectOne(request("INVITE", CARRIER), "re-INVITE of the transferee");
        harness.receive(CARRIER, caller.answer(reinvite, 200, "OK", SipPhone.SDP));
        harness.drain().stream().filter(s -> s.isRequest("NOTIFY"))
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        assertEquals(1, count(harness, TrunkCounters.CALLS), "one call from the carrier is up: the transferred one");
        only(invite(harness, caller(), "bob"), 503);

        harness.receive(CARRIER, caller.bye());
        final Sent byeToCarol = harness.expectOne(request("BYE", TARGET), "BYE to the target");
        harness.receive(TARGET, carol.answer(byeToCarol, 200, "OK", null));
        assertEquals(0, harness.engine.activeCalls(), harness::state);
        assertEquals(0, count(harness, TrunkCounters.CALLS));
    }
}
