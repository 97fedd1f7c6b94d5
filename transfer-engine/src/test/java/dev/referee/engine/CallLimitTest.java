package dev.referee.engine;

import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code sip.max-calls}: past it a new call gets 503 with Retry-After from the engine itself, counted apart from
 * admission's shedding (/status {@code drops.callLimit}), while the calls up are served; once one ends, a new call
 * is placed again.
 */
class CallLimitTest
{
    private static final InetSocketAddress OTHER_CALLER = new InetSocketAddress("127.0.0.78", 5060);

    private final EngineHarness harness = new EngineHarness(EngineHarness.config(1, 42, TransferConfig.defaults(),
        List.of(), RedirectConfig.defaults(), EngineHarness.routes()));
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", OTHER_CALLER);

    @Test
    void shouldAnswer503PastTheCallLimitCountItAndServeTheCallUp()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "the first call is placed");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        harness.receive(OTHER_CALLER, carol.invite("bob", "call-2@carol"));
        final Sent refused = harness.expectOne(response(503, OTHER_CALLER), "503 past sip.max-calls");
        assertEquals("5", refused.header(HeaderName.RETRY_AFTER));
        assertEquals(1, harness.counters.get(EngineCounters.CALL_LIMIT));
        assertEquals(1, harness.engine.activeCalls(), "the refused call left nothing");

        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", CALLEE), "the call up is served: its BYE is relayed");
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.drain();

        harness.receive(OTHER_CALLER, carol.invite("bob", "call-3@carol"));
        harness.expectOne(request("INVITE", CALLEE), "room again once the call ended");
        assertEquals(1, harness.counters.get(EngineCounters.CALL_LIMIT));
    }
}
