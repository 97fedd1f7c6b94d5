package dev.referee.engine;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replaces, in an INVITE or %-escaped in a Refer-To, as an attacker would write it. Refer-To headers are %-decoded before use (RFC 3261 §19.1.1) and the decoded Replaces goes into the INVITE to the
 * transfer target: a REFER whose Refer-To decodes to a control character, or whose Replaces names no well-formed
 * dialog, is refused with 400 and nobody is called (found by ReferToFuzzTest; docs/security.md, "Fuzzing").
 */
class ReplacesInputTest
{
    private final EngineHarness harness = new EngineHarness();
    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);

    @ParameterizedTest
    @ValueSource(strings = {
        "sip:carol@example.com?Replaces=abc%0D%0AX-Injected%3A%201%3Bto-tag%3D1%3Bfrom-tag%3D2",
        "sip:carol@example.com?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D5)x",
        "sip:carol@example.com?Replaces=abc%20def%3Bto-tag%3D1%3Bfrom-tag%3D2",
        "sip:carol@example.com?Subject=hi%0d%0aX-Injected:%201",
        "sip:carol@example.com?Replaces=abc%00%3Bto-tag%3D1%3Bfrom-tag%3D2",
    })
    void shouldRefuseAReferToWhoseHeadersDecodeToSomethingAHeaderCannotHold(final String referTo)
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(invite);
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();

        harness.receive(CALLEE, bob.refer(referTo, null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(400) && s.destination.equals(CALLEE)), () -> "" + out);
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(TARGET)), () -> "the target is called: " + out);
        assertTrue(out.stream().noneMatch(s -> s.text.contains("X-Injected")), () -> "" + out);
    }

    @ParameterizedTest
    @ValueSource(strings = {";", ";;", "abc;to-tag=1;from-tag=a b"})
    void shouldAnswerBadRequestToAnInviteWhoseReplacesNamesNoDialog(final String replaces)
    {
        // ";" alone threw ArrayIndexOutOfBoundsException on the engine thread (found by ReferToFuzzTest).
        harness.receive(CALLER, alice.invite("bob", "call-1@alice").replace("Max-Forwards: 70\r\n",
            "Max-Forwards: 70\r\nReplaces: " + replaces + "\r\n"));
        harness.expectOne(response(400, CALLER), "400 to a malformed Replaces");
    }
}
