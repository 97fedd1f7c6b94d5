package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;

import dev.referee.sip.HeaderName;
import org.junit.jupiter.api.Test;

import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestValidationTest
{
    private final EngineHarness harness = new EngineHarness(1, 42);
    private final SipPhone alice = new SipPhone("alice", CALLER);

    @Test
    void shouldAnswerTooManyHopsWhenMaxForwardsIsZero()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("Max-Forwards: 70", "Max-Forwards: 0"));
        harness.expectOne(response(483, CALLER), "483");
        assertEquals(0, harness.engine.activeCalls());
    }

    @Test
    void shouldAnswerNotFoundWhenNoRouteMatches()
    {
        harness.receive(CALLER, alice.invite("nobody", "c1"));
        final Sent notFound = harness.expectOne(response(404, CALLER), "404");
        assertTrue(!notFound.toTag().isEmpty(), "a final response carries a To tag");
    }

    @Test
    void shouldAnswerServiceUnavailableWhenFull()
    {
        harness.receive(CALLER, alice.invite("bob", "c1"));
        harness.drain();
        final java.net.InetSocketAddress carol = new java.net.InetSocketAddress("127.0.0.1", 5071);
        harness.receive(carol, new SipPhone("carol", carol).invite("bob", "c2"));
        final Sent busy = harness.expectOne(response(503, new java.net.InetSocketAddress("127.0.0.1", 5071)), "503");
        assertNotNull(busy.header(HeaderName.RETRY_AFTER));
    }

    @Test
    void shouldAnswerOptionsItself()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("INVITE", "OPTIONS"));
        final Sent ok = harness.expectOne(response(200, CALLER), "200 for OPTIONS");
        assertTrue(ok.text.contains("Allow: ") && ok.text.contains("REFER"), ok.text);
    }

    @Test
    void shouldAnswerBadRequestWithReasonForMalformedRequest()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("CSeq: 1 INVITE", "CSeq: 1 BYE"));
        final Sent bad = harness.expectOne(response(400, CALLER), "400");
        assertNotNull(bad.header(HeaderName.WARNING), "the reason is in a Warning: " + bad.text);
        assertEquals(1, harness.counters.get(EngineCounters.MALFORMED));
    }

    @Test
    void shouldDropMalformedResponseAndGoOn()
    {
        harness.receive(CALLER, "SIP/2.0 200 OK\r\nVia: garbage\r\n\r\n");
        assertTrue(harness.drain().isEmpty());
        harness.receive(CALLER, alice.invite("bob", "c1"));
        assertEquals(2, harness.drain().size(), "100 Trying and the relayed INVITE");
    }

    @Test
    void shouldAnswerBadExtensionForRequire()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nRequire: nothingreal\r\n"));
        final Sent bad = harness.expectOne(response(420, CALLER), "420");
        assertEquals("nothingreal", bad.header(HeaderName.UNSUPPORTED));
    }

    @Test
    void shouldNameOnlyTheOptionTagsItLacksIn420()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nRequire: replaces, bar\r\nProxy-Require: timer, 100rel, bar, foo\r\n"));
        final Sent bad = harness.expectOne(response(420, CALLER), "420");
        // timer (RFC 4028) is implemented since node-start version 5 (SessionTimersTest), 100rel (RFC 3262) since 6
        // (ReliableProvisionalsTest).
        assertTrue(bad.text.contains("\r\nUnsupported: bar, foo\r\n"), "each once, not the ones it implements: " +
            bad.text);
    }

    @Test
    void shouldAcceptRequireOfTheExtensionsItImplements()
    {
        // Desk phones send Require: replaces with a pickup or an attended transfer's INVITE (RFC 3891 §6.1).
        harness.receive(CALLER, alice.invite("bob", "c1").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nRequire: Replaces\r\nRequire: norefersub\r\n"));
        assertTrue(harness.drain().stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(
            EngineHarness.CALLEE)), "relayed, not refused 420");
    }

    @Test
    void shouldAnswerUnsupportedSchemeForUnknownRequestUri()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("INVITE sip:bob@", "INVITE unknown:bob@"));
        harness.expectOne(response(416, CALLER), "416");
    }

    @Test
    void shouldAnswerNotImplementedForUnknownMethod()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("INVITE", "FOOBAR"));
        harness.expectOne(response(501, CALLER), "501");
    }

    @Test
    void shouldAnswerCallDoesNotExistForCancelOfNothing()
    {
        alice.invite("bob", "c1");
        harness.receive(CALLER, alice.cancel());
        harness.expectOne(response(481, CALLER), "481");
    }

    @Test
    void shouldAnswerMethodNotAllowedToAReferOutsideADialog()
    {
        harness.receive(CALLER, alice.invite("bob", "c1").replace("INVITE", "REFER")
            .replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nRefer-To: <sip:carol@example.com>\r\n"));
        final Sent refused = harness.expectOne(response(405, CALLER), "405");
        assertTrue(refused.text.contains("Allow: "), refused.text);
    }
}
