package dev.referee.engine;

import dev.referee.config.ListenAddress;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TransferConfig;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.REFEREE;
import static dev.referee.engine.EngineHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Legs over TLS (issue 12): Referee names its {@code tls:} address in the Via and Contact of a TLS leg, a route
 * target's {@code ;transport=tls} and a redirect's {@code sips:} Contact are reached over TLS, and TLS is reliable
 * (no retransmission timers), as TCP is.
 */
class TlsLegsTest
{
    private static final InetSocketAddress REFEREE_TLS = new InetSocketAddress("127.0.0.1", 5061);
    /** A trunk reached over TLS, on the port RFC 3261 gives sips: (5061). */
    private static final InetSocketAddress TRUNK = new InetSocketAddress("192.0.2.20", 5061);

    private final EngineHarness harness = new EngineHarness(config(EngineConfig.BEHAVIOUR));
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    private static EngineConfig config(final int behaviour)
    {
        final List<ListenAddress> listen = List.of(new ListenAddress(Transport.UDP, REFEREE),
            new ListenAddress(Transport.TCP, REFEREE), new ListenAddress(Transport.TLS, REFEREE_TLS));
        final List<Route> routes = List.of(
            new Route(Pattern.compile("bob"), CALLEE, Transport.UDP),
            new Route(Pattern.compile("bobtls"), CALLEE, Transport.TLS),
            new Route(Pattern.compile("teams"), TRUNK, Transport.TLS));
        final EngineConfig c = new EngineConfig(listen, routes,
            TimeUnit.MILLISECONDS.toNanos(500), TimeUnit.SECONDS.toNanos(4), TimeUnit.SECONDS.toNanos(5),
            1000, "Referee", EngineHarness.key(42), TransferConfig.defaults(), RedirectConfig.defaults(), List.of());
        return new EngineConfig(c.listen(), c.routes(), c.t1Ns(), c.t2Ns(), c.t4Ns(), c.maxCalls(), c.userAgent(),
            c.seed(), c.idKey(), c.transfer(), c.redirect(), c.trunks(), c.webhook(), c.maxTransactions(), behaviour);
    }

    @Test
    void shouldCallATlsTargetOverTlsNamingTheTlsAddressAndNotRetransmit()
    {
        harness.receive(CALLER, alice.invite("bobtls", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        assertEquals(Transport.TLS, invite.transport);
        assertTrue(invite.header(HeaderName.VIA).startsWith("SIP/2.0/TLS 127.0.0.1:5061;"), invite.toString());
        assertEquals("<sip:referee@127.0.0.1:5061;transport=tls>", invite.header(HeaderName.CONTACT));
        assertTrue(invite.toString().startsWith("INVITE sip:bobtls@127.0.0.1:5062;transport=tls SIP/2.0"),
            invite.toString());

        harness.advanceMs(4_000);
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("INVITE")),
            "a reliable transport: Timer A does not retransmit");
    }

    @Test
    void shouldAnswerATlsCallerOnItsOwnConnectionWithTheTlsContact()
    {
        harness.receive(Transport.TLS, CALLER, 7, alice.invite("bob", "call-2@alice").replace("/UDP", "/TLS"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        assertEquals(Transport.UDP, invite.transport, "the callee's leg is its route's: UDP");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        final Sent ok = harness.drain().get(0);
        assertEquals(Transport.TLS, ok.transport);
        assertEquals(7, ok.connectionId);
        assertEquals("<sip:referee@127.0.0.1:5061;transport=tls>", ok.header(HeaderName.CONTACT));
        alice.learn(ok);
        harness.receive(Transport.TLS, CALLER, 7, alice.ack().replace("/UDP", "/TLS"));
        harness.drain();
        harness.receive(CALLEE, bob.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        assertEquals(7, bye.connectionId, "the BYE goes back on the connection the caller opened");
        assertTrue(bye.header(HeaderName.VIA).startsWith("SIP/2.0/TLS 127.0.0.1:5061;"));
    }

    @Test
    void shouldFollowARedirectToASipsContactOverTlsOnPort5061()
    {
        harness.receive(CALLER, alice.invite("bob", "call-3@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null)
            .replace("Content-Length: 0", "Contact: <sips:teams@192.0.2.20>\r\nContent-Length: 0"));
        final Sent retargeted = harness.expectOne(request("INVITE", TRUNK), "INVITE to the trunk");
        assertEquals(Transport.TLS, retargeted.transport);
        assertTrue(retargeted.header(HeaderName.VIA).startsWith("SIP/2.0/TLS "), retargeted.toString());
    }

    @Test
    void shouldFollowASipsRedirectAsBeforeWhenReplayingAJournalOfVersion5()
    {
        final EngineHarness old = new EngineHarness(config(5));
        old.receive(CALLER, alice.invite("bob", "call-4@alice"));
        final Sent invite = old.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        old.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null)
            .replace("Content-Length: 0", "Contact: <sips:teams@192.0.2.20:5061>\r\nContent-Length: 0"));
        final Sent retargeted = old.expectOne(request("INVITE", TRUNK), "INVITE to the trunk");
        assertEquals(Transport.UDP, retargeted.transport, "version 5 had no TLS: as it was made");
    }
}
