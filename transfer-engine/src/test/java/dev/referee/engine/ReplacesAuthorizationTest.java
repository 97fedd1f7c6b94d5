package dev.referee.engine;

import dev.referee.config.Cidr;
import dev.referee.engine.call.CallStateDescriber;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.HeaderName;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replaces is honoured only for a party of the named call, or for a pickup within one trunk that allows it (issue 7,
 * "Who may touch a dialog"); anything else gets 403 and the named call is untouched: no message to its parties, its
 * legs as they were. Alice (127.0.0.1:5070) calls Bob (127.0.0.1:5062); Xavier (127.0.0.6) calls Dave (127.0.0.7).
 */
class ReplacesAuthorizationTest
{
    private static final InetSocketAddress STRANGER = new InetSocketAddress("127.0.0.3", 5080);
    private static final InetSocketAddress COLLEAGUE = new InetSocketAddress("127.0.0.5", 5080);
    private static final InetSocketAddress XAVIER = new InetSocketAddress("127.0.0.6", 5070);
    private static final InetSocketAddress DAVE = new InetSocketAddress("127.0.0.7", 5064);
    private static final List<Route> ROUTES = List.of(
        new Route("bob", Pattern.compile("bob"), CALLEE, Transport.UDP),
        new Route("carol", Pattern.compile("carol"), TARGET, Transport.UDP),
        new Route("dave", Pattern.compile("dave"), DAVE, Transport.UDP));

    private final SipPhone alice = new SipPhone("alice", CALLER);
    private final SipPhone bob = new SipPhone("bob", CALLEE);
    private Sent bobsInvite;

    /** The phones of 127.0.0.1 and {@code colleague} as one trunk, with or without allow-pickup. */
    private static EngineHarness harness(final boolean allowPickup)
    {
        final TrunkConfig pbx = new TrunkConfig("pbx", List.of(Cidr.parse("127.0.0.1"), Cidr.parse("127.0.0.5")),
            TrunkTransferPolicy.defaults(), new TrunkCallPolicy(List.of(), 0, 0, 1, allowPickup),
            TrunkHeaderPolicy.defaults());
        final TrunkConfig carrier = new TrunkConfig("carrier", List.of(Cidr.parse("127.0.0.3")),
            TrunkTransferPolicy.defaults(), new TrunkCallPolicy(List.of(), 0, 0, 1, true),
            TrunkHeaderPolicy.defaults());
        return new EngineHarness(ROUTES, List.of(pbx, carrier));
    }

    private void aliceCallsBob(final EngineHarness harness, final boolean answer)
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        bobsInvite = harness.expectOne(request("INVITE", CALLEE), "INVITE");
        bob.accept(bobsInvite);
        if (answer)
        {
            harness.receive(CALLEE, bob.answer(bobsInvite, 200, "OK", SipPhone.SDP));
            alice.learn(harness.expectOne(response(200, CALLER), "200"));
            harness.receive(CALLER, alice.ack());
        }
        else
        {
            harness.receive(CALLEE, bob.answer(bobsInvite, 180, "Ringing", null));
        }
        harness.drain();
    }

    /** Replaces naming Bob's dialog as Bob has it: Referee's Call-ID, Bob's tag (to-tag), Referee's (from-tag). */
    private String bobsDialog(final String extra)
    {
        return "Replaces: " + bobsInvite.callId() + ";to-tag=bob-tag;from-tag=" + bobsInvite.fromTag() + extra +
            "\r\n";
    }

    private static String withReplaces(final String invite, final String replaces)
    {
        return invite.replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\n" + replaces);
    }

    /** Every call the engine holds, its legs' states and flows, as the call describer tells them. */
    private static String calls(final EngineHarness harness)
    {
        final StringBuilder out = new StringBuilder();
        for (long id = 1; id <= 3; id++)
        {
            out.append(CallStateDescriber.describe(harness.engine.snapshotParts().b2bua(), id)).append('\n');
        }
        return out.toString();
    }

    /** The 403 to {@code to} is the only message sent; the named call is as it was. */
    private static void refusedAndUntouched(final EngineHarness harness, final InetSocketAddress to,
        final String stateBefore)
    {
        final List<Sent> out = harness.drain();
        assertEquals(1, out.size(), () -> "only the 403: nothing to the call's parties: " + out);
        final Sent refused = out.get(0);
        assertTrue(refused.isResponse(403) && refused.destination.equals(to), refused::toString);
        assertTrue(refused.header(HeaderName.REASON).startsWith("SIP;cause=403;text="), refused::toString);
        assertEquals(stateBefore, calls(harness), "the named call's legs are as they were");
    }

    @Test
    void shouldRefuseAnInviteReplacingACallOfOthersFromAThirdHost()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, true);
        final String before = calls(harness);
        final SipPhone mallory = new SipPhone("mallory", STRANGER);
        harness.receive(STRANGER, withReplaces(mallory.invite("bob", "hijack@mallory"), bobsDialog("")));
        refusedAndUntouched(harness, STRANGER, before);
        assertEquals(1, harness.counters.trunks().get(1, TrunkCounters.REPLACES_REFUSED), "counted on carrier");

        // The call is still Alice's and Bob's: Bob's BYE reaches Alice.
        harness.receive(CALLEE, bob.bye());
        harness.expectOne(request("BYE", CALLER), "BYE to Alice");
    }

    @Test
    void shouldLetAColleagueOfTheSameTrunkPickUpWhenTheTrunkAllowsIt()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, false);
        final SipPhone colleague = new SipPhone("colleague", COLLEAGUE);
        harness.receive(COLLEAGUE, withReplaces(colleague.invite("bob", "pickup@colleague"), bobsDialog("")));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(request("CANCEL", CALLEE)), out::toString);
        assertTrue(out.stream().anyMatch(response(200, COLLEAGUE)), out::toString);
        assertTrue(out.stream().anyMatch(response(200, CALLER)), out::toString);
    }

    @Test
    void shouldRefuseAPickupWhenTheTrunkDoesNotAllowIt()
    {
        final EngineHarness harness = harness(false);
        aliceCallsBob(harness, false);
        final String before = calls(harness);
        final SipPhone colleague = new SipPhone("colleague", COLLEAGUE);
        harness.receive(COLLEAGUE, withReplaces(colleague.invite("bob", "pickup@colleague"), bobsDialog("")));
        refusedAndUntouched(harness, COLLEAGUE, before);
    }

    @Test
    void shouldRefuseAPickupFromAnotherTrunkThanTheCallees()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, false);
        final String before = calls(harness);
        final SipPhone stranger = new SipPhone("stranger", STRANGER);
        harness.receive(STRANGER, withReplaces(stranger.invite("bob", "pickup@stranger"), bobsDialog("")));
        refusedAndUntouched(harness, STRANGER, before);
    }

    @Test
    void shouldAnswer486ToEarlyOnlyForAConfirmedDialogEvenFromAParty()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, true);
        final SipPhone bobsOtherLine = new SipPhone("bob2", CALLEE);
        harness.receive(CALLEE, withReplaces(bobsOtherLine.invite("bob", "move@bob"), bobsDialog(";early-only")));
        harness.expectOne(response(486, CALLEE), "486 (RFC 3891 §3)");
    }

    @Test
    void shouldRefuseAReferWhoseReplacesNamesACallOfOthers()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, true);
        // Xavier calls Dave: a call Bob takes no part in.
        final SipPhone xavier = new SipPhone("xavier", XAVIER);
        harness.receive(XAVIER, xavier.invite("dave", "call-2@xavier"));
        final Sent davesInvite = harness.expectOne(request("INVITE", DAVE), "INVITE to Dave");
        final SipPhone dave = new SipPhone("dave", DAVE).accept(davesInvite);
        harness.receive(DAVE, dave.answer(davesInvite, 200, "OK", SipPhone.SDP));
        xavier.learn(harness.expectOne(response(200, XAVIER), "200 to Xavier"));
        harness.receive(XAVIER, xavier.ack());
        harness.drain();
        final String before = calls(harness);

        final String referTo = "sip:dave@example.com?Replaces=" + davesInvite.callId().replace("@", "%40") +
            "%3Bto-tag%3Ddave-tag%3Bfrom-tag%3D" + davesInvite.fromTag();
        harness.receive(CALLEE, bob.refer(referTo, null));
        refusedAndUntouched(harness, CALLEE, before);
    }

    @Test
    void shouldFailAnAttendedTransferWithEarlyOnlyNamingAnAnsweredConsultation()
    {
        final EngineHarness harness = harness(true);
        aliceCallsBob(harness, true);
        final SipPhone bobConsulting = new SipPhone("bob", CALLEE);
        harness.receive(CALLEE, bobConsulting.invite("carol", "call-2@bob"));
        final Sent carolsInvite = harness.expectOne(request("INVITE", TARGET), "INVITE to Carol");
        final SipPhone carol = new SipPhone("carol", TARGET).accept(carolsInvite);
        harness.receive(TARGET, carol.answer(carolsInvite, 200, "OK", SipPhone.SDP));
        bobConsulting.learn(harness.expectOne(response(200, CALLEE), "200 of the consultation"));
        harness.receive(CALLEE, bobConsulting.ack());
        harness.drain();

        harness.receive(CALLEE, bob.refer("sip:carol@example.com?Replaces=call-2%40bob%3Bto-tag%3D" +
            bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbob-tag%3Bearly-only", null));
        final List<Sent> out = new java.util.ArrayList<>(harness.drain());
        // The next NOTIFY waits for the answer to the one before (RFC 6665): Bob answers as a phone does.
        out.stream().filter(s -> s.isRequest("NOTIFY")).toList()
            .forEach(notify -> harness.receive(CALLEE, bob.answer(notify, 200, "OK", null)));
        out.addAll(harness.drain());
        assertTrue(out.stream().anyMatch(s -> s.isRequest("NOTIFY") && s.body().startsWith("SIP/2.0 486")),
            () -> "the transfer fails as the target would have answered: " + out);
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(TARGET) || s.destination.equals(CALLER)),
            () -> "Carol's and Alice's dialogs are untouched: " + out);
    }
}
