package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What crosses between the legs of a call through trusted and untrusted trunks (issue 7, docs/security.md "What
 * crosses"): the callee's PBX (127.0.0.1, where every route of the harness goes) is trusted; a carrier (127.0.0.2)
 * is not and passes Diversion; a second PBX (127.0.0.3) is trusted. Whatever the phones send, every request Referee
 * sends carries exactly one User-Agent and every response exactly one Server, Referee's own.
 */
class WhatCrossesTest
{
    private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.2", 5070);
    private static final InetSocketAddress OTHER_PBX = new InetSocketAddress("127.0.0.3", 5070);
    /** What a caller or callee adds beside its dialog's headers: some cross, most stay. */
    private static final String EXTRAS =
        "User-Agent: Phone 1.0\r\n" +
        "P-Asserted-Identity: \"Alice\" <sip:+15551111@example.com>\r\n" +
        "Privacy: none\r\n" +
        "Diversion: <sip:+15552222@example.com>;reason=unconditional\r\n" +
        "History-Info: <sip:bob@internal.example>;index=1\r\n" +
        "X-Internal: 42\r\n" +
        "P-Foo: bar\r\n" +
        "Subject: lunch\r\n";

    private final EngineHarness harness = new EngineHarness(TransferConfig.defaults(), List.of(
        trunk("pbx", "127.0.0.1/32", true, List.of()),
        trunk("carrier", "127.0.0.2/32", false, List.of("diversion")),
        trunk("pbx2", "127.0.0.3/32", true, List.of())));
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @Test
    void shouldKeepIdentityAndInternalsOfAnUntrustedCallerFromTheCallee()
    {
        final SipPhone alice = new SipPhone("alice", CARRIER);
        harness.receive(CARRIER, withExtras(alice.invite("bob", "call-1@carrier")));
        final List<Sent> out = harness.drain();
        final Sent trying = only(out, response(100, CARRIER));
        assertOnlyRefereeAgent(trying, HeaderName.SERVER);
        final Sent invite = only(out, request("INVITE", CALLEE));
        assertOnlyRefereeAgent(invite, HeaderName.USER_AGENT);
        assertEquals("lunch", invite.header(HeaderName.SUBJECT), "on the allow-list");
        assertEquals("<sip:+15552222@example.com>;reason=unconditional", other(invite, "Diversion"),
            "the carrier lists Diversion in pass-headers");
        assertFalse(invite.has(HeaderName.P_ASSERTED_IDENTITY), "not believed from an untrusted trunk");
        assertFalse(invite.has(HeaderName.PRIVACY), "not believed from an untrusted trunk");
        assertNull(other(invite, "History-Info"));
        assertNull(other(invite, "X-Internal"));
        assertNull(other(invite, "P-Foo"));

        bob.accept(invite);
        harness.receive(CALLEE, withExtras(bob.answer(invite, 180, "Ringing", null)));
        final Sent ringing = harness.expectOne(response(180, CARRIER), "180 to the caller");
        assertOnlyRefereeAgent(ringing, HeaderName.SERVER);
        harness.receive(CALLEE, withExtras(bob.answer(invite, 200, "OK", SipPhone.SDP)));
        final Sent ok = harness.expectOne(response(200, CARRIER), "200 to the caller");
        assertOnlyRefereeAgent(ok, HeaderName.SERVER);
        assertFalse(ok.has(HeaderName.P_ASSERTED_IDENTITY), "not given away to an untrusted trunk");
        assertFalse(ok.has(HeaderName.PRIVACY));
        assertNull(other(ok, "Diversion"), "the PBX passes nothing beyond the allow-list");
        assertEquals("lunch", ok.header(HeaderName.SUBJECT));
        alice.learn(ok);
        harness.receive(CARRIER, alice.ack());
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK to the callee");
        assertOnlyRefereeAgent(ack, HeaderName.USER_AGENT);

        // The caller hangs up and says why: the Reason crosses, its internals do not.
        harness.receive(CARRIER, withExtras(alice.bye(),
            "Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n"));
        final List<Sent> hangUp = harness.drain();
        assertOnlyRefereeAgent(only(hangUp, response(200, CARRIER)), HeaderName.SERVER);
        final Sent bye = only(hangUp, request("BYE", CALLEE));
        assertOnlyRefereeAgent(bye, HeaderName.USER_AGENT);
        assertEquals("Q.850;cause=16;text=\"Normal call clearing\"", bye.header(HeaderName.REASON));
        assertFalse(bye.has(HeaderName.P_ASSERTED_IDENTITY));
        assertNull(other(bye, "X-Internal"));
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldPassAssertedIdentityBetweenTrustedTrunksInBothDirections()
    {
        final SipPhone alice = new SipPhone("alice", OTHER_PBX);
        harness.receive(OTHER_PBX, withExtras(alice.invite("bob", "call-2@pbx2")));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to the callee");
        assertEquals("\"Alice\" <sip:+15551111@example.com>", invite.header(HeaderName.P_ASSERTED_IDENTITY));
        assertEquals("none", invite.header(HeaderName.PRIVACY));
        assertNull(other(invite, "Diversion"), "only the carrier passes Diversion");
        assertOnlyRefereeAgent(invite, HeaderName.USER_AGENT);

        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP)
            .replace("Content-Type:", "P-Asserted-Identity: <sip:+15553333@example.com>\r\nPrivacy: id\r\n" +
                "Server: PBX 7\r\nContent-Type:"));
        final Sent ok = harness.expectOne(response(200, OTHER_PBX), "200 to the caller");
        assertEquals("<sip:+15553333@example.com>", ok.header(HeaderName.P_ASSERTED_IDENTITY));
        assertEquals("id", ok.header(HeaderName.PRIVACY), "the trusted next hop applies the privacy asked for");
        assertOnlyRefereeAgent(ok, HeaderName.SERVER);
        alice.learn(ok);
        harness.receive(OTHER_PBX, alice.ack());
        harness.drain();

        // A re-INVITE from the callee (hold) carries its asserted identity to the trusted caller side too.
        harness.receive(CALLEE, withExtras(bob.reinvite(SipPhone.SDP_HOLD)));
        final List<Sent> out = harness.drain();
        assertOnlyRefereeAgent(only(out, response(100, CALLEE)), HeaderName.SERVER);
        final Sent reinvite = only(out, request("INVITE", OTHER_PBX));
        assertEquals("\"Alice\" <sip:+15551111@example.com>", reinvite.header(HeaderName.P_ASSERTED_IDENTITY));
        assertOnlyRefereeAgent(reinvite, HeaderName.USER_AGENT);
        assertNull(other(reinvite, "X-Internal"));
        assertEquals("lunch", reinvite.header(HeaderName.SUBJECT));
    }

    @Test
    void shouldRemoveAssertedIdentityFromAReInviteTowardAnUntrustedCaller()
    {
        final SipPhone alice = new SipPhone("alice", CARRIER);
        harness.receive(CARRIER, alice.invite("bob", "call-3@carrier"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to the callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CARRIER), "200 to the caller"));
        harness.receive(CARRIER, alice.ack());
        harness.drain();

        harness.receive(CALLEE, withExtras(bob.reinvite(SipPhone.SDP_HOLD)));
        final Sent reinvite = harness.expectOne(request("INVITE", CARRIER), "re-INVITE to the caller");
        assertFalse(reinvite.has(HeaderName.P_ASSERTED_IDENTITY), "removed toward an untrusted trunk");
        assertFalse(reinvite.has(HeaderName.PRIVACY));
        assertNull(other(reinvite, "Diversion"));
        assertOnlyRefereeAgent(reinvite, HeaderName.USER_AGENT);
        assertEquals("lunch", reinvite.header(HeaderName.SUBJECT));
        harness.receive(CARRIER, alice.answer(reinvite, 200, "OK", SipPhone.SDP_HOLD)
            .replace("Content-Type:", "Server: Carrier SBC\r\nX-Internal: 1\r\nContent-Type:"));
        final Sent ok = harness.expectOne(response(200, CALLEE), "200 to the callee");
        assertOnlyRefereeAgent(ok, HeaderName.SERVER);
        assertNull(other(ok, "X-Internal"));
    }

    @Test
    void shouldAnswerWithRefereesServerWhenItRefusesARequestItself()
    {
        final SipPhone alice = new SipPhone("alice", CARRIER);
        harness.receive(CARRIER, withExtras(alice.invite("zed", "call-4@carrier")));
        final Sent notFound = harness.expectOne(response(404, CARRIER), "404");
        assertOnlyRefereeAgent(notFound, HeaderName.SERVER);
        assertNull(other(notFound, "X-Internal"));
    }

    @Test
    void shouldPassTheCancelsReasonAndNameRefereeInTheCancelAndTheFailureAckItSendsAndInA481()
    {
        final SipPhone alice = new SipPhone("alice", CARRIER);
        harness.receive(CARRIER, withExtras(alice.invite("bob", "call-5@carrier")));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to the callee");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 180, "Ringing", null));
        harness.drain();
        harness.receive(CARRIER,
            withExtras(alice.cancel(), "Reason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n"));
        final List<Sent> cancelled = harness.drain();
        assertOnlyRefereeAgent(only(cancelled, response(200, CARRIER)), HeaderName.SERVER);
        assertOnlyRefereeAgent(only(cancelled, response(487, CARRIER)), HeaderName.SERVER);
        final Sent cancel = only(cancelled, request("CANCEL", CALLEE));
        assertOnlyRefereeAgent(cancel, HeaderName.USER_AGENT);
        assertEquals("SIP;cause=200;text=\"Call completed elsewhere\"", cancel.header(HeaderName.REASON),
            "the phone that rang need not show a missed call");
        assertFalse(cancel.has(HeaderName.P_ASSERTED_IDENTITY));
        assertNull(other(cancel, "X-Internal"));
        harness.receive(CALLEE, bob.answer(cancel, 200, "OK", null));
        harness.receive(CALLEE, bob.answer(invite, 487, "Request Terminated", null)
            .replace("Content-Length:", "Server: PBX 7\r\nContent-Length:"));
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK of the 487");
        assertOnlyRefereeAgent(ack, HeaderName.USER_AGENT);

        harness.receive(CARRIER, alice.bye());
        assertOnlyRefereeAgent(harness.expectOne(response(481, CARRIER), "481 for a dialog that never was"),
            HeaderName.SERVER);
    }

    private static void assertOnlyRefereeAgent(final Sent sent, final int header)
    {
        assertEquals(1, sent.count(header),
            () -> "exactly one " + HeaderName.canonicalName(header) + ":\n" + sent.text);
        assertEquals("Referee", sent.header(header));
        assertEquals(0, sent.count(header == HeaderName.SERVER ? HeaderName.USER_AGENT : HeaderName.SERVER),
            () -> "no other agent header:\n" + sent.text);
    }

    private static Sent only(final List<Sent> out, final java.util.function.Predicate<Sent> match)
    {
        final List<Sent> matching = out.stream().filter(match).toList();
        assertEquals(1, matching.size(), out::toString);
        return matching.get(0);
    }

    /** The value of a header the parser does not know (by name, any case), or null. */
    private static String other(final Sent sent, final String name)
    {
        for (final String line : sent.text.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String withExtras(final String message)
    {
        return withExtras(message, "");
    }

    private static String withExtras(final String message, final String more)
    {
        final int end = message.indexOf("Content-");
        return message.substring(0, end) + EXTRAS + more + message.substring(end);
    }

    private static TrunkConfig trunk(final String name, final String cidr, final boolean trusted,
        final List<String> passHeaders)
    {
        return new TrunkConfig(name, List.of(Cidr.parse(cidr)), TrunkTransferPolicy.defaults(),
            TrunkCallPolicy.defaults(), new TrunkHeaderPolicy(trusted, passHeaders));
    }
}
