package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.config.ListenAddress;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload (issue 11, {@code referee reload}): routes, trunks and limits change for new calls; calls under way go on
 * untouched and keep counting against their trunk; what a reload cannot change is refused and changes nothing.
 */
class ReloadTest
{
    private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5070);
    private static final Route TO_BOB = new Route("internal", Pattern.compile("bob"), CALLEE, Transport.UDP);
    private static final Route TO_CAROL = new Route("pstn", Pattern.compile("carol"), TARGET, Transport.UDP);

    private int callers;

    private static TrunkConfig carrier(final int calls)
    {
        return new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.2/32")), TrunkTransferPolicy.defaults(),
            new TrunkCallPolicy(List.of(), calls, 0, 5, false), TrunkHeaderPolicy.defaults());
    }

    private static EngineConfig config(final List<Route> routes, final TrunkConfig... trunks)
    {
        return EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(trunks), RedirectConfig.defaults(),
            routes);
    }

    private SipPhone caller()
    {
        return new SipPhone("caller" + ++callers, CARRIER);
    }

    private static List<Sent> invite(final EngineHarness harness, final SipPhone caller, final String user)
    {
        harness.receive(CARRIER, caller.invite(user, "reload-" + caller.hashCode()));
        return harness.drain();
    }

    /** A call from the carrier answered by Bob; returns Bob's phone. */
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

    private static void reload(final EngineHarness harness, final EngineConfig next)
    {
        assertTrue(harness.engine.onReconfigure(next, harness.engine.nowNs()), "the reload applies");
    }

    @Test
    void shouldRouteNewCallsByTheReloadedRoutesAndKeepTheCallUnderWay()
    {
        final EngineHarness harness = new EngineHarness(config(List.of(TO_BOB), carrier(0)));
        final SipPhone first = caller();
        final SipPhone bob = answeredCall(harness, first);
        assertTrue(invite(harness, caller(), "carol").stream().anyMatch(response(404, CARRIER)),
            "no route to carol before the reload");

        reload(harness, config(List.of(TO_BOB, TO_CAROL), carrier(0)));

        assertTrue(invite(harness, caller(), "carol").stream().anyMatch(request("INVITE", TARGET)),
            "the reloaded route to carol is taken");
        harness.receive(CALLEE, bob.bye());
        harness.expectOne(request("BYE", CARRIER), "the call made before the reload still relays its BYE");
        assertEquals(1, harness.counters.get(EngineCounters.RELOADS));
    }

    @Test
    void shouldKeepCountingTheCallUnderWayAgainstItsTrunkUnderTheReloadedLimit()
    {
        final EngineHarness harness = new EngineHarness(config(List.of(TO_BOB), carrier(1)));
        final SipPhone first = caller();
        final SipPhone bob = answeredCall(harness, first);
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(response(503, CARRIER)), "at the limit");
        final long refusedBefore = harness.counters.trunks().get(0, TrunkCounters.CALL_LIMIT_REFUSED);

        reload(harness, config(List.of(TO_BOB), carrier(2)));
        assertEquals(1, harness.counters.trunks().get(0, TrunkCounters.CALLS), "the call under way still counts");
        assertEquals(refusedBefore, harness.counters.trunks().get(0, TrunkCounters.CALL_LIMIT_REFUSED),
            "a trunk kept by name keeps its counters");
        answeredCall(harness, caller());
        assertTrue(invite(harness, caller(), "bob").stream().anyMatch(response(503, CARRIER)),
            "two calls: the new limit");

        reload(harness, config(List.of(TO_BOB), carrier(1)));
        harness.receive(CALLEE, bob.bye());
        harness.receive(CARRIER, first.answer(harness.expectOne(request("BYE", CARRIER), "BYE"), 200, "OK", null));
        harness.drain();
        assertEquals(1, harness.counters.trunks().get(0, TrunkCounters.CALLS), "the ended call left the count");
    }

    @Test
    void shouldCountCallsOfARemovedTrunkAsTheDefaultTrunksAndBackWhenItReturns()
    {
        final EngineHarness harness = new EngineHarness(config(List.of(TO_BOB), carrier(0)));
        final SipPhone first = caller();
        final SipPhone bob = answeredCall(harness, first);

        reload(harness, config(List.of(TO_BOB)));
        assertEquals(List.of("default"), harness.counters.trunks().names());
        assertEquals(1, harness.counters.trunks().get(0, TrunkCounters.CALLS), "the carrier's call, now unknown");

        reload(harness, config(List.of(TO_BOB), carrier(0)));
        assertEquals(1, harness.counters.trunks().get(0, TrunkCounters.CALLS));
        harness.receive(CALLEE, bob.bye());
        final Sent bye = harness.expectOne(request("BYE", CARRIER), "BYE to the caller");
        harness.receive(CARRIER, first.answer(bye, 200, "OK", null));
        harness.drain();
        assertEquals(0, harness.counters.trunks().get(0, TrunkCounters.CALLS));
        assertEquals(0, harness.counters.trunks().get(1, TrunkCounters.CALLS));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness::state);
    }

    @Test
    void shouldRefuseAReloadThatChangesWhatNeedsARestartAndChangeNothing()
    {
        final EngineConfig running = config(List.of(TO_BOB), carrier(0));
        final EngineHarness harness = new EngineHarness(running);
        final EngineConfig otherListen = new EngineConfig(
            List.of(new ListenAddress(Transport.UDP, new InetSocketAddress("127.0.0.1", 5080))), List.of(TO_CAROL),
            running.t1Ns(), running.t2Ns(), running.t4Ns(), running.maxCalls(), running.userAgent(), running.idKey(),
            running.transfer(), running.redirect(), running.trunks());
        assertEquals("listen", otherListen.reloadableFrom(running));

        assertFalse(harness.engine.onReconfigure(otherListen, harness.engine.nowNs()));
        assertTrue(invite(harness, caller(), "carol").stream().anyMatch(response(404, CARRIER)),
            "the refused configuration's route is not taken");
        assertEquals(0, harness.counters.get(EngineCounters.RELOADS));
        assertNull(config(List.of(TO_CAROL)).reloadableFrom(running), "routes and trunks may change");
    }
}
