package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.sip.HeaderName;
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
 * {@code sip.max-transactions}: the engine holds at most that many server transactions for requests outside a
 * dialog; past it they get 503 with Retry-After and leave nothing behind, while the established call's requests are
 * still served (up to twice the limit, the hard bound).
 */
class TransactionLimitTest
{
    private static final int MAX_TRANSACTIONS = 3;
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.77", 5060);

    private final EngineHarness harness = new EngineHarness(withMaxTransactions(
        EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(), RedirectConfig.defaults(),
            EngineHarness.routes()),
        MAX_TRANSACTIONS));
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private final SipPhone stranger = new SipPhone("mallory", STRANGER);

    @Test
    void shouldRefuseNewRequestsPastTheLimitButServeTheEstablishedCall()
    {
        establish(); // its INVITE server transaction stays (Timer L): one held
        harness.receive(STRANGER, options("o1"));
        harness.receive(STRANGER, options("o2"));
        assertEquals(2, harness.drain().stream().filter(s -> s.isResponse(200)).count(), "two more fit: three held");

        harness.receive(STRANGER, options("o3"));
        final Sent refused = harness.expectOne(response(503, STRANGER), "503 past the limit");
        assertEquals("1", refused.header(HeaderName.RETRY_AFTER));
        assertTrue(refused.text.contains("Reason: SIP;cause=503;text=\"transaction limit\""), refused.text);
        harness.receive(STRANGER, stranger.invite("bob", "c2@mallory"));
        harness.expectOne(response(503, STRANGER), "a new call too");
        assertEquals(MAX_TRANSACTIONS, harness.engine.snapshotParts().transactions().serverCount(),
            "refused requests leave no transaction behind");
        assertEquals(2, harness.counters.get(EngineCounters.TRANSACTION_LIMIT));

        // The call's BYE is a request of an established dialog: served.
        harness.receive(CALLER, alice.bye());
        harness.expectOne(request("BYE", CALLEE), "BYE relayed to Bob");
    }

    @Test
    void shouldServeNewRequestsAgainOnceTransactionsEnd()
    {
        establish();
        harness.receive(STRANGER, options("o1"));
        harness.receive(STRANGER, options("o2"));
        harness.receive(STRANGER, options("o3"));
        harness.expectOne(response(503, STRANGER), "503 past the limit");

        harness.advanceMs(33_000); // Timer J and Timer L (64*T1) have ended them
        harness.drain();
        harness.receive(STRANGER, options("o4"));
        harness.expectOne(response(200, STRANGER), "room again");
    }

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

    private String options(final String callId)
    {
        return stranger.invite("bob", callId).replace("INVITE", "OPTIONS");
    }

    private static EngineConfig withMaxTransactions(final EngineConfig c, final int maxTransactions)
    {
        return new EngineConfig(c.listen(), c.routes(), c.t1Ns(), c.t2Ns(), c.t4Ns(), c.maxCalls(), c.userAgent(),
            c.seed(), c.idKey(), c.transfer(), c.redirect(), c.trunks(), c.webhook(), maxTransactions, c.behaviour());
    }
}
