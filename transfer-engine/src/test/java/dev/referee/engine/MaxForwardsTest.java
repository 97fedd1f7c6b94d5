package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.Route;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.REFEREE;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 7332: the INVITEs Referee originates carry the Max-Forwards of the request that triggered them, less one, so that
 * a loop through Referee (a route, a redirect or a transfer leading back to it) ends with 483 instead of going round.
 */
class MaxForwardsTest
{
    private static final String SDP_CAROL = SipPhone.SDP.replace("m=audio 4000", "m=audio 6000");

    private EngineHarness harness = new EngineHarness(withRoutes(), List.of());
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone carol = new SipPhone("carol", TARGET);

    /** Every harness route, and "loop", which leads back to Referee itself (a misconfiguration, or a peer's). */
    private static List<Route> withRoutes()
    {
        final List<Route> routes = new ArrayList<>(EngineHarness.routes());
        routes.add(new Route(Pattern.compile("loop"), REFEREE, Transport.UDP));
        return routes;
    }

    private static String withMaxForwards(final String request, final int maxForwards)
    {
        assertTrue(request.contains("Max-Forwards: 70\r\n"), request);
        return request.replace("Max-Forwards: 70\r\n", "Max-Forwards: " + maxForwards + "\r\n");
    }

    private void establish(final int callerMaxForwards)
    {
        harness.receive(CALLER, withMaxForwards(alice.invite("bob", "call-1@alice"), callerMaxForwards));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        assertEquals(String.valueOf(callerMaxForwards - 1), invite.header(HeaderName.MAX_FORWARDS));
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }

    /** Bob's REFER to Carol with {@code maxForwards}; returns the INVITE Referee sends Carol. */
    private Sent bobRefersToCarol(final int maxForwards)
    {
        harness.receive(CALLEE, withMaxForwards(bob.refer("sip:carol@example.com", null), maxForwards));
        final List<Sent> out = harness.drain();
        out.stream().filter(s -> s.isRequest("NOTIFY")).forEach(n -> harness.receive(CALLEE, bob.answer(n, 200, "OK", null)));
        return out.stream().filter(s -> s.isRequest("INVITE") && s.destination.equals(TARGET)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the target: " + out));
    }

    @Test
    void shouldGiveTheTransferTargetTheMaxForwardsOfTheRefer()
    {
        establish(70);
        final Sent invite = bobRefersToCarol(9);
        assertEquals("8", invite.header(HeaderName.MAX_FORWARDS), invite.text);
    }

    @Test
    void shouldGiveTheRecallTheMaxForwardsOfTheRefer()
    {
        establish(70);
        final Sent invite = bobRefersToCarol(12);
        harness.receive(CALLEE, bob.bye());
        harness.drain();
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 486, "Busy Here", null));
        final Sent recall = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(CALLEE, recall.destination, "the transferor is called back");
        assertEquals("11", recall.header(HeaderName.MAX_FORWARDS));
    }

    @Test
    void shouldSendARedirectedInviteWithTheMaxForwardsOfTheCallersInvite()
    {
        harness.receive(CALLER, withMaxForwards(alice.invite("bob", "call-1@alice"), 20));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 302, "Moved Temporarily", null).replace("Content-Length: 0",
            "Contact: <sip:carol@127.0.0.1:5064>\r\nContent-Length: 0"));
        final Sent toCarol = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertEquals(TARGET, toCarol.destination);
        assertEquals("19", toCarol.header(HeaderName.MAX_FORWARDS), "the caller's INVITE again, as first forwarded");
    }

    @Test
    void shouldEndARouteLoopThroughItselfWith483()
    {
        harness.receive(CALLER, withMaxForwards(alice.invite("loop", "call-1@alice"), 5));
        // Everything Referee sends itself comes back to it as a peer's message, as the network would deliver it.
        int hops = 0;
        List<Sent> out = harness.drain();
        while (out.stream().anyMatch(s -> s.destination.equals(REFEREE)))
        {
            for (final Sent sent : out)
            {
                if (sent.destination.equals(REFEREE))
                {
                    hops += sent.isRequest("INVITE") ? 1 : 0;
                    harness.receive(REFEREE, sent.text);
                }
                else
                {
                    assertEquals(CALLER, sent.destination, "only the caller hears of it: " + sent.text);
                }
            }
            out = harness.drain();
            assertTrue(hops <= 5, "the loop goes on past its Max-Forwards");
        }
        assertEquals(5, hops, "INVITEs with Max-Forwards 4, 3, 2, 1 and 0; the last one is answered 483");
        assertTrue(harness.all().stream().anyMatch(s -> s.isResponse(483) && s.destination.equals(CALLER)),
            "the caller gets the 483: " + harness.all());
    }

    @Test
    void shouldEndATransferLoopThroughItselfWith483AndReportItToTheTransferor()
    {
        establish(70);
        harness.receive(CALLEE, withMaxForwards(bob.refer("sip:loop@example.com", null), 4));
        int hops = 0;
        final List<Sent> toBob = new ArrayList<>();
        List<Sent> out = harness.drain();
        while (!out.isEmpty())
        {
            for (final Sent sent : out)
            {
                if (sent.destination.equals(REFEREE))
                {
                    hops += sent.isRequest("INVITE") ? 1 : 0;
                    harness.receive(REFEREE, sent.text);
                }
                else if (sent.destination.equals(CALLEE))
                {
                    toBob.add(sent);
                    if (sent.isRequest("NOTIFY"))
                    {
                        harness.receive(CALLEE, bob.answer(sent, 200, "OK", null));
                    }
                }
            }
            out = harness.drain();
            assertTrue(hops <= 10, "the transfer's INVITE goes round past the REFER's Max-Forwards");
        }
        assertEquals(4, hops, "the target INVITE with Max-Forwards 3, then 2, 1 and 0, which is answered 483");
        assertTrue(toBob.stream().anyMatch(s -> s.isRequest("NOTIFY") && s.body().startsWith("SIP/2.0 483")),
            "the transferor hears the transfer failed with 483: " + toBob);
    }

    @Test
    void shouldStartAtSeventyForAJournalFromBeforeNodeStartVersion4()
    {
        final EngineConfig now = harness.config;
        harness = new EngineHarness(new EngineConfig(now.listen(), now.routes(), now.t1Ns(), now.t2Ns(), now.t4Ns(),
            now.maxCalls(), now.userAgent(), now.seed(), now.idKey(), now.transfer(), now.redirect(), now.trunks(),
            now.webhook(), now.maxTransactions(), 3));
        establish(70);
        final Sent invite = bobRefersToCarol(9);
        assertEquals("70", invite.header(HeaderName.MAX_FORWARDS), "as that journal's node sent it");
        carol.accept(invite);
        harness.receive(TARGET, carol.answer(invite, 200, "OK", SDP_CAROL));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(CALLER)));
    }
}
