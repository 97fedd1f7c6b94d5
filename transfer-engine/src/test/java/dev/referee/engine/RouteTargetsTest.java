package dev.referee.engine;

import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.RouteTarget;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.counters.TargetCounters;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes with more than one target (issue 12): lower priority first, weights spread calls among equal priorities, a
 * target answering 503 or 408 or not answering at all is passed over for the next within the same call, and with
 * keepalive, targets that do not answer OPTIONS are tried only after every other.
 */
class RouteTargetsTest
{
    private static final InetSocketAddress FIRST = new InetSocketAddress("127.0.0.1", 5081);
    private static final InetSocketAddress SECOND = new InetSocketAddress("127.0.0.1", 5082);
    private static final InetSocketAddress THIRD = new InetSocketAddress("127.0.0.1", 5083);

    private int callers;

    private static EngineHarness harness(final long keepaliveMs, final RouteTarget... targets)
    {
        return new EngineHarness(EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(),
            RedirectConfig.defaults(), List.of(new Route("pool", Pattern.compile("bob"), List.of(targets), keepaliveMs))));
    }

    private SipPhone call(final EngineHarness harness)
    {
        final SipPhone caller = new SipPhone("alice" + ++callers, CALLER);
        harness.receive(CALLER, caller.invite("bob", "route-" + callers + "@alice"));
        return caller;
    }

    private static Sent inviteTo(final EngineHarness harness, final InetSocketAddress target)
    {
        return harness.expectOne(request("INVITE", target), "INVITE to " + target);
    }

    @Test
    void shouldTryTheNextTargetAtOnceWhenTheConnectionToTheFirstFails()
    {
        final EngineHarness harness = harness(0, new RouteTarget(FIRST, Transport.TCP, 1, 1),
            new RouteTarget(SECOND, Transport.TCP, 2, 1));
        final SipPhone alice = call(harness);
        final Sent first = inviteTo(harness, FIRST);
        assertEquals(Transport.TCP, first.transport);

        // The TCP thread could not connect (refused): RFC 3261 §8.1.3.1, as if 503, not 32 s of Timer B later.
        harness.transportFailure(Transport.TCP, FIRST);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(CALLER) && s.isResponse(408)), out::toString);
        final Sent second = out.stream().filter(request("INVITE", SECOND)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the next target: " + out));
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(FIRST)), "nothing more to the failed target");

        final SipPhone two = new SipPhone("bob", SECOND).accept(second);
        harness.receive(Transport.TCP, SECOND, 0, two.answer(second, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "the second target's 200"));
        harness.receive(CALLER, alice.ack());
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", SECOND), "BYE to the target that answered");
        harness.receive(Transport.TCP, SECOND, 0, two.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldLeaveRequestsThatHadAnAnswerAndOtherDestinationsAloneOnATransportFailure()
    {
        final EngineHarness harness = harness(0, new RouteTarget(FIRST, Transport.TCP, 1, 1),
            new RouteTarget(SECOND, Transport.TCP, 2, 1));
        call(harness);
        final Sent first = inviteTo(harness, FIRST);
        final SipPhone one = new SipPhone("bob", FIRST).accept(first);
        harness.receive(Transport.TCP, FIRST, 0, one.answer(first, 180, "Ringing", null));
        harness.drain();

        harness.transportFailure(Transport.TCP, SECOND); // no request went there
        harness.transportFailure(Transport.UDP, FIRST); // not the transport the INVITE went on
        harness.transportFailure(Transport.TCP, FIRST); // ringing already: its timers decide, as before
        assertTrue(harness.drain().isEmpty(), "nothing changed");
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldTryTheNextPriorityWhenTheFirstAnswers503AndHideTheFailureFromTheCaller()
    {
        final EngineHarness harness = harness(0, new RouteTarget(SECOND, Transport.UDP, 2, 1),
            new RouteTarget(FIRST, Transport.UDP, 1, 1));
        final SipPhone alice = call(harness);
        final Sent first = inviteTo(harness, FIRST);
        final SipPhone one = new SipPhone("bob", FIRST).accept(first);
        harness.receive(FIRST, one.answer(first, 503, "Service Unavailable", null));

        final List<Sent> out = harness.drain();
        assertTrue(out.stream().noneMatch(s -> s.destination.equals(CALLER) && s.isResponse(503)), out::toString);
        final Sent second = out.stream().filter(request("INVITE", SECOND)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the next target: " + out));
        assertTrue(second.firstLine().startsWith("INVITE sip:bob@127.0.0.1:5082 "), second::firstLine);
        assertEquals(SipPhone.media(SipPhone.SDP), second.media(), "the caller's offer again");
        assertTrue(out.stream().anyMatch(s -> s.isRequest("ACK") && s.destination.equals(FIRST)), "503 ACKed");

        final SipPhone two = new SipPhone("bob", SECOND).accept(second);
        harness.receive(SECOND, two.answer(second, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "the second target's 200"));
        harness.receive(CALLER, alice.ack());
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.expectOne(request("BYE", SECOND), "BYE to the target that answered");
        harness.receive(SECOND, two.answer(bye, 200, "OK", null));
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldTryTheNextTargetWhenTheFirstNeverAnswersAndRelayABusyOnlyFromTheLast()
    {
        final EngineHarness harness = harness(0, new RouteTarget(FIRST, Transport.UDP, 1, 1),
            new RouteTarget(SECOND, Transport.UDP, 2, 1));
        call(harness);
        inviteTo(harness, FIRST);
        harness.advanceMs(31_000, 100);
        assertTrue(harness.drain().stream().noneMatch(request("INVITE", SECOND)), "not before Timer B");
        harness.advanceMs(2_000, 100);
        final Sent second = harness.drain().stream().filter(request("INVITE", SECOND)).findFirst()
            .orElseThrow(() -> new AssertionError("no INVITE to the next target after Timer B"));
        final SipPhone two = new SipPhone("bob", SECOND).accept(second);
        harness.receive(SECOND, two.answer(second, 486, "Busy Here", null));
        harness.expectOne(response(486, CALLER), "a busy target is an answer: relayed, no more targets");
        harness.advanceMs(40_000, 100);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void shouldNotTryAnotherTargetAfterABusyAnswer()
    {
        final EngineHarness harness = harness(0, new RouteTarget(FIRST, Transport.UDP, 1, 1),
            new RouteTarget(SECOND, Transport.UDP, 2, 1));
        call(harness);
        final Sent first = inviteTo(harness, FIRST);
        harness.receive(FIRST, new SipPhone("bob", FIRST).accept(first).answer(first, 486, "Busy Here", null));
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(response(486, CALLER)), out::toString);
        assertTrue(out.stream().noneMatch(request("INVITE", SECOND)), out::toString);
    }

    @Test
    void shouldSpreadCallsAmongEqualPrioritiesByWeight()
    {
        final EngineHarness harness = harness(0, new RouteTarget(FIRST, Transport.UDP, 1, 3),
            new RouteTarget(SECOND, Transport.UDP, 1, 1), new RouteTarget(THIRD, Transport.UDP, 5, 100));
        int first = 0;
        int second = 0;
        for (int i = 0; i < 400; i++)
        {
            call(harness);
            final List<Sent> out = harness.drain();
            first += out.stream().filter(request("INVITE", FIRST)).count();
            second += out.stream().filter(request("INVITE", SECOND)).count();
            assertTrue(out.stream().noneMatch(request("INVITE", THIRD)), "a lower priority goes first whatever its weight");
        }
        assertEquals(400, first + second);
        assertTrue(first > 255 && first < 345, "about three quarters to the weight 3 target: " + first);
    }

    @Test
    void shouldTryATargetThatStoppedAnsweringKeepalivesOnlyAfterTheOthers()
    {
        final EngineHarness harness = harness(30_000, new RouteTarget(FIRST, Transport.UDP, 1, 1),
            new RouteTarget(SECOND, Transport.UDP, 2, 1));
        harness.advanceMs(100, 100);
        final List<Sent> pings = harness.drain();
        final Sent pingFirst = pings.stream().filter(request("OPTIONS", FIRST)).findFirst().orElseThrow();
        final Sent pingSecond = pings.stream().filter(request("OPTIONS", SECOND)).findFirst().orElseThrow();
        assertEquals("OPTIONS sip:127.0.0.1:5081 SIP/2.0", pingFirst.firstLine());
        harness.receive(SECOND, new SipPhone("pool", SECOND).answer(pingSecond, 200, "OK", null));
        harness.advanceMs(33_000, 100); // Timer F: the first never answered
        harness.drain();
        final TargetCounters counters = harness.counters.targets();
        assertEquals(List.of("udp:127.0.0.1:5081", "udp:127.0.0.1:5082"), counters.names());
        assertEquals(0, counters.get(0, TargetCounters.UP));
        assertEquals(1, counters.get(0, TargetCounters.WENT_DOWN));
        assertEquals(1, counters.get(1, TargetCounters.UP));

        call(harness);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(request("INVITE", SECOND)), "the down target is passed over: " + out);

        // The snapshot keeps which target is down and the call's targets still to try.
        final byte[] snapshot = EngineSnapshot.take(harness.engine);
        final Engine restored = new Engine(harness.config, (t, d, c, b, o, l) -> true, new EngineCounters());
        EngineSnapshot.restore(restored, snapshot);
        assertArrayEquals(snapshot, EngineSnapshot.take(restored));
    }
}
