package dev.referee.engine;

import dev.referee.engine.config.RedirectConfig;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedirectAndTcpTest
{
    /** redirect.max: 0 relays a 3xx to the caller instead of following it. */
    private final EngineHarness harness = new EngineHarness(new dev.referee.engine.config.RedirectConfig(0));
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @Test
    void shouldRelayRedirectWithItsContactsWhenNotFollowingRedirects()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null)
            .replace("Content-Length: 0", "Contact: <sip:carol@192.0.2.7>\r\nContent-Length: 0"));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(CALLEE)), out::toString);
        final Sent redirect = out.stream().filter(s -> s.isResponse(302)).findFirst().orElseThrow();
        assertEquals(CALLER, redirect.destination);
        assertEquals("<sip:carol@192.0.2.7>", redirect.header(HeaderName.CONTACT), "the alternatives are relayed");
        assertEquals(0, harness.engine.activeCalls());
    }

    @Test
    void shouldSendRequestsToATcpCallerOnItsOwnConnection()
    {
        harness.receive(Transport.TCP, CALLER, 41, alice.invite("bob", "call-1@alice").replace("/UDP", "/TCP"));
        final Sent invite = harness.drain().get(1);
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.drain().get(0);
        assertEquals(41, ok.connectionId);
        assertEquals(Transport.TCP, ok.transport);
        assertTrue(ok.header(HeaderName.CONTACT).endsWith(";transport=tcp>"), ok.header(HeaderName.CONTACT));
        alice.learn(ok);
        harness.receive(Transport.TCP, CALLER, 41, alice.ack().replace("/UDP", "/TCP"));
        harness.drain();
        harness.receive(CALLEE, bob.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(41, bye.connectionId, "the BYE goes back on the connection the caller opened");
        assertEquals(Transport.TCP, bye.transport);
        assertTrue(bye.header(HeaderName.VIA).startsWith("SIP/2.0/TCP "));
    }
}
