package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Responses count only from the host Referee sent the request to: a branch seen on the wire answers nothing. */
class ResponseSourceTest
{
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.66", 5062);

    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @Test
    void shouldIgnoreAResponseWithTheRightBranchFromAnotherHost()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        harness.drain();

        harness.receive(ATTACKER, bob.answer(invite, 603, "Decline", null));

        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(CALLER) && s.status() >= 300), out.toString());
        assertEquals(1, harness.counters.get(EngineCounters.RESPONSES_FROM_ELSEWHERE));
        assertEquals(1, harness.engine.activeCalls(), "the call is still ringing at Bob");

        // Bob himself may answer from another port of his host (RFC 3261 §18.2.2).
        harness.receive(new InetSocketAddress(CALLEE.getAddress(), 5999), bob.answer(invite, 486, "Busy Here", null));
        assertTrue(harness.drain().stream().anyMatch(s -> s.destination.equals(CALLER) && s.status() == 486));
    }
}
