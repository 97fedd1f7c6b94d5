package dev.referee.engine;

import dev.referee.engine.call.CallSnapshots;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OfferAnswer;
import dev.referee.engine.counters.TrunkCounters;
import dev.referee.sip.HeaderName;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.TARGET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many flows at once, interleaved at random (seeded, so a failure names the seed that reproduces it): basic calls
 * hung up by either side or both at once, calls cancelled while ringing, calls refused, blind transfers, calls the
 * callee never answers; phones that retransmit what they just sent; the clock moving on by random steps. After
 * every input: no exception, no move a state machine refuses (the harness fails on one), and every two joined legs
 * at rest have agreed on a session (offer/answer STABLE). At the end: every call, dialog, transaction and timer
 * gone, no event the machines did not expect, and a replay of the same inputs gives the same bytes.
 */
class RandomInterleavingTest
{
    private static final int FLOWS = 8;
    private static final int MAX_STEPS = 20_000;

    /** 24 seeds in the suite; a longer campaign: {@code -Dreferee.interleavings=5000} (docs/engine.md). */
    static LongStream seeds()
    {
        return LongStream.rangeClosed(1, Long.getLong("referee.interleavings", 24));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldKeepEveryInvariantWhateverTheInterleaving(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final EngineHarness harness = new EngineHarness(1000, seed);
        final Network network = new Network(harness);
        final List<Flow> flows = new ArrayList<>();
        for (int i = 1; i <= FLOWS; i++)
        {
            flows.add(new Flow(i, Kind.values()[random.nextInt(Kind.values().length)], network));
        }

        int steps = 0;
        while (flows.stream().anyMatch(flow -> !flow.done()) && steps++ < MAX_STEPS)
        {
            final int dice = random.nextInt(100);
            if (dice < 70)
            {
                final Flow flow = flows.get(random.nextInt(flows.size()));
                flow.act();
            }
            else if (dice < 80)
            {
                network.retransmitRecent(random);
            }
            else if (dice < 98)
            {
                network.advanceMs(10 + random.nextInt(300));
            }
            else
            {
                network.advanceMs(1_000 + random.nextInt(8_000));
            }
            assertSessionsAgreed(harness, seed);
        }
        assertTrue(steps < MAX_STEPS, "seed " + seed + ": flows stuck: " + flows);
        // Each flow ended the way its kind says: the events tell (one "ended" per call, transfers completed).
        assertEquals(count(flows, Kind.BLIND_TRANSFER) + count(flows, Kind.ATTENDED_TRANSFER),
            count(harness.events, "transfer-completed "), "seed " + seed + ": " + harness.events);
        assertEquals(count(flows, Kind.TARGET_BUSY), count(harness.events, "transfer-failed "), "seed " + seed);
        assertEquals(count(flows, Kind.CANCELLED), count(harness.events, " cancelled 487"), "seed " + seed);
        assertEquals(count(flows, Kind.REFUSED), count(harness.events, " rejected 486"), "seed " + seed);
        assertEquals(count(flows, Kind.NEVER_ANSWERED), count(harness.events, " timeout 408"), "seed " + seed);
        // Each forked call released its losing fork's dialog: a BYE to the fork's tag (a retransmitted 2xx of the fork
        // may get another), on each forked call's Call-ID.
        assertEquals(count(flows, Kind.FORKED), harness.all().stream()
            .filter(s -> s.isRequest("BYE") && s.toTag() != null && s.toTag().startsWith("bobf"))
            .map(Sent::callId).distinct().count(), "seed " + seed + ": forks released");

        // Everything that is over lets go of its state once the retransmission timers have run out.
        network.advanceMs(70_000);
        assertTrue(harness.isIdle(), "seed " + seed + ": " + harness.state());
        assertEquals(0, harness.counters.trunks().total(TrunkCounters.CALLS),
            "seed " + seed + ": every call left its trunk's count (limits.calls)");
        assertEquals(List.of(), harness.transitions.unexpected, "seed " + seed);

        final EngineHarness replayed = new EngineHarness(1000, seed);
        for (final EngineHarness.Input input : harness.inputs)
        {
            input.applyTo(replayed.engine);
        }
        assertEquals(texts(harness.all()), texts(replayed.all()), "seed " + seed + ": replay");
    }

    /**
     * Every phone here offers in its INVITEs and answers what it is offered, so two joined, confirmed legs with no
     * INVITE, 2xx or ACK under way on either have both agreed on a session: their offer/answer machines are STABLE.
     */
    private static void assertSessionsAgreed(final EngineHarness harness, final long seed)
    {
        for (final Object held : CallSnapshots.legs(harness.engine.snapshotParts().b2bua()))
        {
            final Leg leg = (Leg)held;
            final Leg peer = leg.peer();
            if (peer != null && peer.peer() == leg && quiet(leg) && quiet(peer))
            {
                assertEquals(OfferAnswer.STABLE, leg.offerAnswer(), "seed " + seed + ": leg " + leg.id() +
                    " joined to " + peer.id() + ", " + harness.transitions.moves);
            }
        }
    }

    /** Confirmed, not over, and no INVITE exchange under way on the leg. */
    private static boolean quiet(final Leg leg)
    {
        return leg.isConfirmed() && leg.clientInvite() == null && leg.serverInvite() == null &&
            leg.ackPendingCSeq() < 0;
    }

    private static long count(final List<Flow> flows, final Kind kind)
    {
        return flows.stream().filter(flow -> flow.kind == kind).count();
    }

    private static long count(final List<String> events, final String part)
    {
        return events.stream().filter(event -> event.contains(part)).count();
    }

    private static List<String> texts(final List<Sent> sent)
    {
        return sent.stream().map(s -> s.destination + "\n" + s.text).toList();
    }

    enum Kind
    {
        CALLER_HANGS_UP, CALLEE_HANGS_UP, BOTH_HANG_UP, HOLD, CANCELLED, REFUSED, NEVER_ANSWERED, BLIND_TRANSFER,
        TARGET_BUSY, ATTENDED_TRANSFER,
        /** Bob's INVITE forks: two early dialogs, Bob answers, then his other fork does too (released by Referee). */
        FORKED
    }

    /**
     * The phones' side of the network: sends what flows give it, hands Referee's messages to the flow they belong
     * to (by Call-ID, or by the user an INVITE is for), and keeps what was sent recently for retransmissions.
     */
    static final class Network
    {
        private final EngineHarness harness;
        private final Map<String, Flow> byCallId = new HashMap<>();
        private final Map<String, Flow> byUser = new HashMap<>();
            private final List<Object[]> recentlySent = new ArrayList<>();
        private long clockMs;

        Network(final EngineHarness harness)
        {
            this.harness = harness;
        }

        void register(final String user, final Flow flow)
        {
            byUser.put(user, flow);
        }

        void send(final java.net.InetSocketAddress from, final String text)
        {
            recentlySent.add(new Object[]{from, text, clockMs});
            harness.receive(from, text);
            deliver();
        }

        /** Sends again one message a phone sent in the last 400 ms (UDP retransmission, or a duplicate). */
        void retransmitRecent(final SplittableRandom random)
        {
            recentlySent.removeIf(sent -> (long)sent[2] < clockMs - 400);
            if (recentlySent.isEmpty())
            {
                return;
            }
            final Object[] sent = recentlySent.get(random.nextInt(recentlySent.size()));
            harness.receive((java.net.InetSocketAddress)sent[0], (String)sent[1]);
            deliver();
        }

        void advanceMs(final long millis)
        {
            clockMs += millis;
            harness.advanceMs(millis);
            deliver();
        }

        void knowCallId(final String callId, final Flow flow)
        {
            byCallId.put(callId, flow);
        }

        private void deliver()
        {
            for (final Sent sent : harness.drain())
            {
                Flow flow = byCallId.get(sent.callId());
                if (flow == null && sent.isRequest("INVITE"))
                {
                    final String uri = sent.firstLine().split(" ")[1];
                    flow = byUser.get(uri.substring(uri.indexOf(':') + 1, uri.indexOf('@')));
                    if (flow != null)
                    {
                        byCallId.put(sent.callId(), flow);
                    }
                }
                if (flow == null)
                {
                    throw new AssertionError("Referee sent a message no flow expects: " + sent.text);
                }
                flow.receive(sent);
            }
        }
    }

    /** One flow between an Alice, a Bob and (for a transfer) a Carol of its own. */
    static final class Flow
    {
        private final int n;
        private final Kind kind;
        private final Network network;
        private final SipPhone alice;
        private final SipPhone bob;
        private final SipPhone carol;
        /** Bob's second line: his consultation call to Carol (attended transfer). */
        private final SipPhone bobConsulting;
        /** Another of Bob's devices the callee's proxy forked his INVITE to (FORKED). */
        private final SipPhone bobFork;
        private final List<Sent> inbox = new ArrayList<>();
        /** Final answers each phone gave, by branch: a retransmitted request gets the same answer again. */
        private final Map<String, String> answered = new HashMap<>();
        private Sent bobInvite;
        private Sent carolInvite;
        private String step = "start";
        private boolean aliceAcked;
        private boolean notifiedSuccess;
        private boolean notifiedFailure;

        Flow(final int n, final Kind kind, final Network network)
        {
            this.n = n;
            this.kind = kind;
            this.network = network;
            this.alice = new SipPhone("alice" + n, CALLER);
            this.bob = new SipPhone("bob" + n, CALLEE);
            this.carol = new SipPhone("carol" + n, TARGET);
            this.bobConsulting = new SipPhone("bobc" + n, CALLEE);
            this.bobFork = new SipPhone("bobf" + n, CALLEE);
            network.register("bob" + n, this);
            network.register("carol" + n, this);
        }

        boolean done()
        {
            return step.equals("done");
        }

        /** A message from Referee to one of this flow's phones: what a phone's stack does on its own, it does here. */
        void receive(final Sent sent)
        {
            if (sent.message.isRequest())
            {
                final String key = sent.branch() + " " + sent.message.methodName();
                final String again = answered.get(key);
                if (again != null)
                {
                    network.send(sent.destination, again); // a retransmitted request: the same final answer
                    return;
                }
                if (sent.isRequest("ACK"))
                {
                    return;
                }
                if (sent.isRequest("INVITE") && (sent.toTag() == null || sent.toTag().isEmpty()))
                {
                    inbox.add(sent); // a new call to Bob or Carol: the flow decides how it answers
                    return;
                }
                if (sent.isRequest("CANCEL"))
                {
                    answer(sent, 200, "OK", null);
                    final Sent invite = sent.destination.equals(TARGET) ? carolInvite : bobInvite;
                    if (invite != null && !answered.containsKey(invite.branch() + " INVITE"))
                    {
                        answer(invite, 487, "Request Terminated", null);
                    }
                    return;
                }
                // BYE, NOTIFY, re-INVITE (the transferee joined to the target): a phone accepts them.
                answer(sent, 200, "OK", sent.isRequest("INVITE") ? SipPhone.SDP : null);
                notifiedSuccess |= sent.isRequest("NOTIFY") && sent.body().startsWith("SIP/2.0 200");
                notifiedFailure |= sent.isRequest("NOTIFY") && sent.body().startsWith("SIP/2.0 486");
                return;
            }
            inbox.add(sent);
        }

        private void answer(final Sent request, final int status, final String reason, final String body)
        {
            final SipPhone phone = request.destination.equals(CALLER) ? alice :
                request.destination.equals(TARGET) ? carol : bob;
            final String response = phone.answer(request, status, reason, body);
            if (status >= 200)
            {
                answered.put(request.branch() + " " + request.message.methodName(), response);
            }
            network.send(request.destination, response);
        }

        /** Takes the flow's next step when what it waits for has come; otherwise does nothing. */
        void act()
        {
            switch (step)
            {
                case "start" ->
                {
                    network.knowCallId("call-" + n + "@alice", this);
                    step = "inviting";
                    network.send(CALLER, alice.invite("bob" + n, "call-" + n + "@alice"));
                }
                case "inviting" ->
                {
                    bobInvite = take(s -> s.isRequest("INVITE") && s.destination.equals(CALLEE));
                    if (bobInvite == null)
                    {
                        return;
                    }
                    bob.accept(bobInvite);
                    switch (kind)
                    {
                        case NEVER_ANSWERED -> step = "waiting-for-408";
                        case REFUSED ->
                        {
                            answer(bobInvite, 486, "Busy Here", null);
                            step = "alice-acks-failure";
                        }
                        case CANCELLED ->
                        {
                            network.send(CALLEE, bob.answer(bobInvite, 180, "Ringing", null));
                            step = "alice-cancels";
                        }
                        case FORKED ->
                        {
                            bobFork.accept(bobInvite);
                            network.send(CALLEE, bob.answer(bobInvite, 180, "Ringing", null));
                            network.send(CALLEE, bobFork.answer(bobInvite, 180, "Ringing", null));
                            answer(bobInvite, 200, "OK", SipPhone.SDP);
                            network.send(CALLEE, bobFork.answer(bobInvite, 200, "OK", SipPhone.SDP));
                            step = "alice-acks";
                        }
                        default ->
                        {
                            network.send(CALLEE, bob.answer(bobInvite, 180, "Ringing", null));
                            answer(bobInvite, 200, "OK", SipPhone.SDP);
                            step = "alice-acks";
                        }
                    }
                }
                case "waiting-for-408" -> ackFailure(408);
                case "alice-acks-failure" -> ackFailure(486);
                case "alice-cancels" ->
                {
                    if (take(s -> s.isResponse(180) && s.destination.equals(CALLER)) == null)
                    {
                        return;
                    }
                    network.send(CALLER, alice.cancel());
                    step = "alice-acks-487";
                }
                case "alice-acks-487" -> ackFailure(487);
                case "alice-acks" ->
                {
                    final Sent ok = take(s -> s.isResponse(200) && s.destination.equals(CALLER) &&
                        s.header(HeaderName.CSEQ).endsWith("INVITE"));
                    if (ok == null)
                    {
                        return;
                    }
                    alice.learn(ok);
                    network.send(CALLER, alice.ack());
                    aliceAcked = true;
                    step = "talking";
                }
                case "talking" ->
                {
                    resendAckForRetransmitted2xx();
                    switch (kind)
                    {
                        case CALLER_HANGS_UP, FORKED -> network.send(CALLER, alice.bye());
                        case CALLEE_HANGS_UP -> network.send(CALLEE, bob.bye());
                        case HOLD ->
                        {
                            network.send(CALLER, alice.reinvite(SipPhone.SDP_HOLD));
                            step = "alice-acks-hold";
                            return;
                        }
                        case ATTENDED_TRANSFER ->
                        {
                            network.knowCallId("consult-" + n + "@bob", this);
                            network.send(CALLEE, bobConsulting.invite("carol" + n, "consult-" + n + "@bob"));
                            step = "consulting";
                            return;
                        }
                        case BOTH_HANG_UP ->
                        {
                            final String aliceBye = alice.bye();
                            final String bobBye = bob.bye();
                            network.send(CALLEE, bobBye); // crossing BYEs: each side's arrives before the other's 200
                            network.send(CALLER, aliceBye);
                        }
                        default ->
                        {
                            network.send(CALLEE, bob.refer("sip:carol" + n + "@example.com", null));
                            step = "calling-carol";
                            return;
                        }
                    }
                    step = "hanging-up";
                }
                case "alice-acks-hold" ->
                {
                    final Sent ok = take(s -> s.isResponse(200) && s.destination.equals(CALLER) &&
                        s.header(HeaderName.CSEQ).endsWith("INVITE"));
                    if (ok == null)
                    {
                        return;
                    }
                    network.send(CALLER, alice.ack());
                    network.send(CALLER, alice.bye());
                    step = "hanging-up";
                }
                case "consulting" ->
                {
                    carolInvite = take(s -> s.isRequest("INVITE") && s.destination.equals(TARGET));
                    if (carolInvite == null)
                    {
                        return;
                    }
                    carol.accept(carolInvite);
                    answer(carolInvite, 200, "OK", SipPhone.SDP.replace("4000", "6000"));
                    step = "bob-acks-carol";
                }
                case "bob-acks-carol" ->
                {
                    final Sent ok = take(s -> s.isResponse(200) && s.destination.equals(CALLEE) &&
                        s.callId().equals("consult-" + n + "@bob"));
                    if (ok == null)
                    {
                        return;
                    }
                    bobConsulting.learn(ok);
                    network.send(CALLEE, bobConsulting.ack());
                    // Replaces as Bob sees his consultation dialog: his Call-ID, Referee's tag, his own tag.
                    network.send(CALLEE, bob.refer("sip:carol" + n + "@example.com?Replaces=consult-" + n +
                        "%40bob%3Bto-tag%3D" + bobConsulting.remoteTag() + "%3Bfrom-tag%3Dbobc" + n + "-tag", null));
                    step = "bob-hangs-up-after-transfer";
                }
                case "hanging-up" ->
                {
                    resendAckForRetransmitted2xx();
                    if (inbox.stream().anyMatch(s -> s.isResponse(200) && s.header(HeaderName.CSEQ).endsWith("BYE")))
                    {
                        step = "done";
                    }
                }
                case "calling-carol" ->
                {
                    resendAckForRetransmitted2xx();
                    carolInvite = take(s -> s.isRequest("INVITE") && s.destination.equals(TARGET));
                    if (carolInvite == null)
                    {
                        return;
                    }
                    network.knowCallId(carolInvite.callId(), this);
                    carol.accept(carolInvite);
                    network.send(TARGET, carol.answer(carolInvite, 180, "Ringing", null));
                    if (kind == Kind.TARGET_BUSY)
                    {
                        answer(carolInvite, 486, "Busy Here", null);
                        step = "bob-hangs-up-after-failure";
                        return;
                    }
                    answer(carolInvite, 200, "OK", SipPhone.SDP.replace("4000", "6000"));
                    step = "bob-hangs-up-after-transfer";
                }
                case "bob-hangs-up-after-transfer" ->
                {
                    // Bob hangs up once he is told the transfer succeeded (NOTIFY with a 200 sipfrag), as phones do.
                    if (!notifiedSuccess)
                    {
                        return;
                    }
                    network.send(CALLEE, bob.bye());
                    step = "alice-hangs-up-on-carol";
                }
                case "bob-hangs-up-after-failure" ->
                {
                    // Told the target was busy (NOTIFY 486), Bob is still with Alice: he hangs up on her.
                    if (!notifiedFailure)
                    {
                        return;
                    }
                    network.send(CALLEE, bob.bye());
                    step = "hanging-up";
                }
                case "alice-hangs-up-on-carol" ->
                {
                    if (inbox.stream().noneMatch(s -> s.isResponse(200) && s.destination.equals(CALLEE) &&
                        s.header(HeaderName.CSEQ).endsWith("BYE")))
                    {
                        return;
                    }
                    network.send(CALLER, alice.bye());
                    step = "hanging-up";
                }
                default ->
                {
                }
            }
        }

        private void ackFailure(final int status)
        {
            final Sent failure = take(s -> s.isResponse(status) && s.destination.equals(CALLER));
            if (failure != null)
            {
                network.send(CALLER, alice.ackFailure(failure));
                step = "done";
            }
        }

        /** A 2xx Referee retransmitted (it had not seen the ACK yet): the phone acknowledges it again. */
        private void resendAckForRetransmitted2xx()
        {
            if (aliceAcked && take(s -> s.isResponse(200) && s.destination.equals(CALLER) &&
                s.header(HeaderName.CSEQ).endsWith("INVITE")) != null)
            {
                network.send(CALLER, alice.ack());
            }
        }

        private Sent take(final java.util.function.Predicate<Sent> match)
        {
            for (int i = 0; i < inbox.size(); i++)
            {
                if (match.test(inbox.get(i)))
                {
                    return inbox.remove(i);
                }
            }
            return null;
        }

        @Override
        public String toString()
        {
            return "flow " + n + " " + kind + " at " + step + " inbox " +
                inbox.stream().map(Sent::firstLine).distinct().toList();
        }
    }
}
