package dev.referee.engine;

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
 * A dialog's Call-ID and tags are not a key to it: an in-dialog request counts only from the host the leg's peer
 * talks from. A third host that learned them gets 403 and the call stays up, its flow unchanged.
 */
class DialogSourceTest
{
    private static final InetSocketAddress THIRD_HOST = new InetSocketAddress("127.0.0.66", 5070);

    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    private void establish()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }

    @Test
    void shouldRefuseASpoofedByeFromAThirdHostAndKeepTheCall()
    {
        establish();

        harness.receive(THIRD_HOST, alice.bye()); // Alice's dialog, word for word, from somewhere else

        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(403) && s.destination.equals(THIRD_HOST)), out.toString());
        assertTrue(out.stream().noneMatch(s -> s.isRequest("BYE")), "nothing relayed to Bob: " + out);
        assertEquals(1, harness.engine.activeCalls());

        // The leg still talks to Alice: Bob's re-INVITE goes to her address, not to the forger's.
        harness.receive(CALLEE, bob.reinvite(SipPhone.SDP_HOLD));
        assertEquals(CALLER, harness.expectOne(request("INVITE", CALLER), "re-INVITE to Alice").destination);
    }

    @Test
    void shouldAcceptTheByeFromThePeersHostOnAnotherPort()
    {
        establish();

        harness.receive(new InetSocketAddress(CALLER.getAddress(), 5999), alice.bye());

        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("BYE") && s.destination.equals(CALLEE)));
    }

    @Test
    void shouldRefuseARequestWithTheWrongFromTag()
    {
        establish();

        harness.receive(CALLER, alice.bye().replace("tag=alice-tag", "tag=mallory"));

        final List<Sent> out = harness.drain();
        // Its tags name no dialog of Referee's the other way round either: refused, not relayed.
        assertTrue(out.stream().noneMatch(s -> s.isRequest("BYE")), out.toString());
        assertEquals(1, harness.engine.activeCalls());
    }
}
