package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkTransferPolicy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A trunk's transfer webhook decides each REFER; its answer is an engine input; silence falls back to the policy. */
class TransferWebhookTest
{
    private EngineHarness harness;
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @BeforeEach
    void setUp()
    {
        final TrunkConfig pbx = new TrunkConfig("pbx", List.of(Cidr.parse("127.0.0.1/32")),
            new TrunkTransferPolicy(TransferMode.TERMINATE, false, List.of(),
                URI.create("http://127.0.0.1:8080/refer")));
        harness = new EngineHarness(TransferConfig.defaults(), List.of(pbx));
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
        harness.receive(CALLEE, bob.refer("sip:carol@example.com", null));
    }

    @Test
    void shouldAskTheWebhookWithThePartiesAndWaitForItsAnswer()
    {
        assertTrue(harness.drain().isEmpty(), "nothing is answered before the webhook decides");
        assertEquals(1, harness.webhookPosts.size());
        final String post = harness.webhookPosts.get(0);
        assertTrue(post.startsWith("1 http://127.0.0.1:8080/refer {\"callId\":1,"), post);
        assertTrue(post.contains("\"transferor\":\"<sip:bob@127.0.0.1:5060>\""), post);
        assertTrue(post.contains("\"transferee\":\"\\\"alice\\\" <sip:alice@127.0.0.1:5070>\""), post);
        assertTrue(post.contains("\"referTarget\":\"sip:carol@example.com\""), post);
        assertTrue(post.contains("\"transfereeCallId\":\"call-1@alice\""), post);

        harness.webhookAnswer(1, true, "");
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202)), out::toString);
        assertTrue(out.stream().anyMatch(s -> s.isRequest("INVITE") && s.destination.equals(TARGET)));
    }

    @Test
    void shouldTransferToTheTargetTheWebhookNames()
    {
        harness.webhookAnswer(1, true, "sip:+15550100@example.com");
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        assertTrue(invite.firstLine().startsWith("INVITE sip:+15550100@127.0.0.1:5064 "), invite.firstLine());
    }

    @Test
    void shouldRefuseWhenTheWebhookRejects()
    {
        harness.webhookAnswer(1, false, "");
        final Sent refused = harness.expectOne(response(403, CALLEE), "403");
        assertTrue(refused.text.contains("rejected by the webhook"), refused.text);
        assertTrue(harness.events.contains("refused 1 403 transfer rejected by the webhook"), harness.events::toString);
    }

    @Test
    void shouldFallBackToThePolicyWhenTheWebhookIsSilent()
    {
        harness.advanceMs(2_100);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(202)), "the policy allowed it: " + out);
        harness.webhookAnswer(1, false, "");
        assertTrue(harness.drain().stream().noneMatch(s -> s.isResponse(403)), "a late answer changes nothing");
    }

    @Test
    void shouldAnswerRequestPendingToAReferWhileTheWebhookDecides()
    {
        harness.receive(CALLER, alice.refer("sip:carol@example.com", null));
        harness.expectOne(response(491, CALLER), "491");
    }
}
