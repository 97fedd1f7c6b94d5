package dev.referee.engine;

import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests inside an answered call, relayed to the other leg, and their responses relayed back. */
class InDialogRelayTest
{
    private EngineHarness harness;
    private SipPhone alice;
    private SipPhone bob;

    @BeforeEach
    void setUp()
    {
        harness = new EngineHarness();
        alice = new SipPhone("alice", CALLER);
        bob = new SipPhone("bob", CALLEE);
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }

    @Test
    void shouldRelayUpdateFromCallerWithSdpAndRefereesContact()
    {
        harness.receive(CALLER, withBody(alice.inDialog("UPDATE"), SipPhone.SDP_HOLD));
        final Sent update = harness.expectOne(request("UPDATE", CALLEE), "UPDATE to callee");
        assertTrue(update.body().contains("a=sendonly"));
        assertTrue(update.header(HeaderName.CONTACT).contains("referee@"));
        harness.receive(CALLEE, bob.answer(update, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 for UPDATE");
        assertTrue(ok.header(HeaderName.CONTACT).contains("referee@"), "a target refresh answer names Referee");
    }

    @Test
    void shouldRelayUpdateFromCallee()
    {
        harness.receive(CALLEE, bob.inDialog("UPDATE"));
        final Sent update = harness.expectOne(request("UPDATE", CALLER), "UPDATE to caller");
        assertEquals("call-1@alice", update.callId());
        harness.receive(CALLER, alice.answer(update, 200, "OK", null));
        harness.expectOne(response(200, CALLEE), "200 for UPDATE");
    }

    @Test
    void shouldRelayMessageAndNotifyAndDecrementMaxForwards()
    {
        harness.receive(CALLER, alice.inDialog("MESSAGE"));
        final Sent message = harness.expectOne(request("MESSAGE", CALLEE), "MESSAGE");
        assertEquals("69", message.header(HeaderName.MAX_FORWARDS));
        harness.receive(CALLEE, bob.answer(message, 202, "Accepted", null));
        harness.expectOne(response(202, CALLER), "202 for MESSAGE");

        harness.receive(CALLEE, bob.inDialog("NOTIFY"));
        final Sent notify = harness.expectOne(request("NOTIFY", CALLER), "NOTIFY");
        harness.receive(CALLER, alice.answer(notify, 481, "Subscription Does Not Exist", null));
        harness.expectOne(response(481, CALLEE), "481 relayed");
    }

    @Test
    void shouldAnswerTimeoutWhenTheOtherSideNeverAnswersARelayedRequest()
    {
        harness.receive(CALLER, alice.inDialog("INFO"));
        harness.expectOne(request("INFO", CALLEE), "INFO");
        harness.advanceMs(32_100); // Timer F on the callee's leg
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(408) && s.destination.equals(CALLER)), out::toString);
    }

    @Test
    void shouldAnswerOutOfOrderCSeqWith500()
    {
        final String late = alice.inDialog("INFO").replace("CSeq: 2 INFO", "CSeq: 0 INFO");
        harness.receive(CALLER, late);
        harness.expectOne(response(500, CALLER), "500 for a CSeq lower than the last");
    }

    private static String withBody(final String request, final String body)
    {
        return request.replace("Content-Length: 0\r\n\r\n",
            "Content-Type: application/sdp\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
}
