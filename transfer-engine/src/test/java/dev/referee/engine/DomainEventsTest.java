package dev.referee.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DomainEventsTest
{
    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @Test
    void shouldReportTheLifeOfAnAnsweredCall()
    {
        harness.receive(CALLER, alice.invite("bob", "c1"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.drain().stream().filter(s -> s.isResponse(200)).findFirst().orElseThrow());
        harness.receive(CALLER, alice.ack());
        harness.receive(CALLEE, bob.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        harness.receive(CALLER, alice.answer(bye, 200, "OK", null));
        assertEquals(List.of(
            "created 1 parent=0 from=\"alice\" <sip:alice@127.0.0.1:5070> to=<sip:bob@127.0.0.1:5060>",
            "ringing 1 180",
            "answered 1",
            "ended 1 callee-bye 0"), harness.events);
    }

    @Test
    void shouldReportARejectedCallWithItsStatus()
    {
        harness.receive(CALLER, alice.invite("bob", "c1"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 486, "Busy Here", null));
        assertEquals("ended 1 rejected 486", harness.events.get(harness.events.size() - 1));
    }

    @Test
    void shouldReportACancelledCall()
    {
        harness.receive(CALLER, alice.invite("bob", "c1"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.receive(CALLER, alice.cancel());
        final Sent cancel = harness.drain().stream().filter(s -> s.isRequest("CANCEL")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null));
        assertEquals("ended 1 cancelled 487", harness.events.get(harness.events.size() - 1));
        harness.expectOne(response(0, CALLER).negate().and(s -> s.isRequest("ACK")), "ACK for the 487");
    }
}
