package dev.referee.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The same inputs at the same times with the same identifier key (made from the seed, {@link EngineHarness#key}) give
 * byte-identical outputs (what replay relies on).
 */
class DeterminismTest
{
    private static List<String> run(final long seed)
    {
        final EngineHarness harness = new EngineHarness(1000, seed);
        final SipPhone alice = new SipPhone("alice", CALLER);
        final SipPhone bob = new SipPhone("bob", CALLEE);
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.advanceMs(700);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        harness.advanceMs(1_200);
        harness.receive(CALLER, alice.learn(harness.all().get(harness.all().size() - 1)).ack());
        harness.receive(CALLEE, bob.bye());
        harness.advanceMs(40_000);
        return harness.all().stream().map(s -> s.destination + "\n" + s.text).toList();
    }

    @Test
    void shouldProduceIdenticalOutputsForIdenticalInputs()
    {
        assertEquals(run(7), run(7));
    }

    @Test
    void shouldMakeDifferentIdentifiersFromAnotherSeed()
    {
        assertNotEquals(run(7), run(8));
    }
}
