package dev.referee.engine;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3261 §17 timers, each driven by the test clock (T1 = 500 ms, T2 = 4 s, T4 = 5 s). */
class TransactionTimersTest
{
    private EngineHarness harness;
    private SipPhone alice;
    private SipPhone bob;

    @BeforeEach
    void setUp()
    {
        harness = new EngineHarness();
        alice = new SipPhone("alice", CALLER);
        bob = new SipPhone("bob", CALLEE);
    }

    private Sent inviteToCallee()
    {
        harness.receive(CALLER, alice.invite("bob", "call-1@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to callee");
        bob.accept(invite);
        return invite;
    }

    private long countSince(final String method)
    {
        return harness.drain().stream().filter(s -> s.isRequest(method)).count();
    }

    @Test
    void timerAShouldRetransmitInviteDoublingAndTimerBShouldGiveUpWith408()
    {
        inviteToCallee();
        // Timer A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 32 s.
        harness.advanceMs(600);
        assertEquals(1, countSince("INVITE"));
        harness.advanceMs(1_000);
        assertEquals(1, countSince("INVITE"));
        harness.advanceMs(2_000);
        assertEquals(1, countSince("INVITE"));
        harness.advanceMs(28_000);
        assertEquals(3, countSince("INVITE"));
        harness.advanceMs(500);
        final List<Sent> out = harness.drain();
        assertTrue(out.stream().anyMatch(s -> s.isResponse(408) && s.destination.equals(CALLER)), out::toString);
        assertEquals(0, harness.engine.activeCalls());
    }

    /**
     * Node-start version 10: two INVITEs 100 ms apart, held back by a stall of 1.6 s (their first retransmissions both
     * go in its one advance), retransmit next at times of their own, each from its Timer A deadline (the later call
     * first: its deadline is the one the stall made later by a whole half interval); a journal of version 9 replays
     * them as they were sent then, together.
     */
    @Test
    void timerAShouldRetransmitFromItsDeadlineNotFromTheEndOfAStall()
    {
        // Deadlines 2,100 and 2,200 ms (EngineTimers.nextDeadline), 2,600 for both before; each goes at the first
        // 10 ms tick past its deadline.
        assertEquals(List.of(2_110L, 2_210L), secondRetransmissionsAfterAStall(EngineConfig.BEHAVIOUR));
        assertEquals(List.of(2_610L, 2_610L), secondRetransmissionsAfterAStall(9));
    }

    /** When (ms after the first INVITE, to the harness's 10 ms tick) each INVITE went to the callee a third time. */
    private static List<Long> secondRetransmissionsAfterAStall(final int behaviour)
    {
        final EngineConfig c = EngineHarness.config(1000, 42, TransferConfig.defaults(), List.of(),
            RedirectConfig.defaults(), EngineHarness.routes());
        final EngineHarness harness = new EngineHarness(EngineHarness.withBehaviour(c, behaviour));
        final SipPhone carol = new SipPhone("carol", new InetSocketAddress("127.0.0.79", 5060));
        harness.receive(CALLER, new SipPhone("alice", CALLER).invite("bob", "call-1@alice"));
        harness.advanceMs(100);
        harness.receive(carol.address(), carol.invite("bob", "call-2@carol"));
        harness.advanceMs(1_500, 1_500); // the stall: one advance to 1.6 s
        final long invitesBefore = harness.drain().stream().filter(s -> s.isRequest("INVITE")).count();
        assertEquals(4, invitesBefore, "each INVITE and its first retransmission");
        final List<Long> third = new ArrayList<>();
        for (long ms = 1_610; ms <= 3_000; ms += 10)
        {
            harness.advanceMs(10);
            for (final Sent sent : harness.drain())
            {
                if (sent.isRequest("INVITE"))
                {
                    third.add(ms);
                }
            }
        }
        return third;
    }

    @Test
    void timerAShouldStopOnProvisional()
    {
        final Sent invite = inviteToCallee();
        harness.receive(CALLEE, bob.answer(invite, 100, "Trying", null));
        harness.advanceMs(10_000);
        assertEquals(0, countSince("INVITE"));
    }

    @Test
    void shouldNotRetransmitOverTcp()
    {
        harness.receive(Transport.TCP, CALLER, 7, alice.invite("bobtcp", "call-1@alice"));
        final List<Sent> out = harness.drain();
        final Sent trying = out.get(0);
        assertEquals(7, trying.connectionId, "response on the caller's connection");
        final Sent invite = out.get(1);
        assertEquals(Transport.TCP, invite.transport);
        assertTrue(invite.header(dev.referee.sip.HeaderName.VIA).startsWith("SIP/2.0/TCP"));
        harness.advanceMs(10_000);
        assertEquals(0, countSince("INVITE"));
    }

    @Test
    void timerDShouldAbsorbRetransmittedFailureWithAck()
    {
        final Sent invite = inviteToCallee();
        final String busy = bob.answer(invite, 486, "Busy Here", null);
        harness.receive(CALLEE, busy);
        harness.drain();
        harness.receive(CALLEE, busy);
        final List<Sent> out = harness.drain();
        assertEquals(1, out.size(), out::toString);
        assertTrue(out.get(0).isRequest("ACK"), "ACK resent, 486 not relayed twice");
        harness.advanceMs(32_500); // Timer D (64*T1 here)
        harness.receive(CALLEE, busy);
        assertTrue(harness.drain().stream().noneMatch(s -> s.isRequest("ACK")), "transaction gone after Timer D");
    }

    @Test
    void timerGShouldRetransmitFailureToCallerAndTimerHShouldGiveUp()
    {
        final Sent invite = inviteToCallee();
        harness.receive(CALLEE, bob.answer(invite, 486, "Busy Here", null));
        harness.drain();
        // Timer G: 0.5, 1.5, 3.5, 7.5, 11.5, ... capped at T2 = 4 s.
        harness.advanceMs(3_600);
        assertEquals(3, harness.drain().stream().filter(s -> s.isResponse(486)).count());
        harness.advanceMs(8_000);
        assertEquals(2, harness.drain().stream().filter(s -> s.isResponse(486)).count());
        harness.advanceMs(21_000); // Timer H at 32 s
        harness.drain();
        harness.advanceMs(10_000);
        assertTrue(harness.drain().isEmpty(), "no retransmission after Timer H");
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void timerIShouldEndInviteServerTransactionAfterAck()
    {
        final Sent invite = inviteToCallee();
        harness.receive(CALLEE, bob.answer(invite, 486, "Busy Here", null));
        final Sent busy = harness.expectOne(response(486, CALLER), "486 to caller");
        harness.receive(CALLER, alice.ackFailure(busy));
        harness.advanceMs(3_000);
        assertEquals(0, harness.drain().stream().filter(s -> s.isResponse(486)).count(), "Confirmed: no Timer G");
        assertTrue(harness.engine.transactions() > 0, "Timer I (T4) and Timer D still running");
        harness.advanceMs(35_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void timerEShouldRetransmitByeCappedAtT2AndTimerFShouldGiveUp()
    {
        establishCall();
        harness.receive(CALLER, alice.bye());
        harness.drain();
        // Timer E: 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5; Timer F at 32 s.
        harness.advanceMs(3_600);
        assertEquals(3, countSince("BYE"));
        harness.advanceMs(8_000);
        assertEquals(2, countSince("BYE"));
        harness.advanceMs(21_000);
        assertEquals(5, countSince("BYE"));
        harness.advanceMs(40_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    @Test
    void timerJShouldAnswerRetransmittedByeFromTransactionThenEnd()
    {
        establishCall();
        final String bye = alice.bye();
        harness.receive(CALLER, bye);
        harness.drain();
        harness.receive(CALLER, bye);
        final List<Sent> out = harness.drain();
        assertEquals(1, out.size(), out::toString);
        assertTrue(out.get(0).isResponse(200), "the stored 200 again, nothing relayed");
        harness.advanceMs(32_500);
        harness.receive(CALLER, bye);
        harness.expectOne(response(481, CALLER), "a new transaction after Timer J: the dialog is gone");
    }

    @Test
    void timerKShouldEndByeClientTransactionAfterT4()
    {
        establishCall();
        harness.receive(CALLER, alice.bye());
        final Sent bye = harness.drain().stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.advanceMs(4_900);
        assertTrue(harness.engine.transactions() > 0, "Timer K (T4) still running");
        harness.advanceMs(28_000);
        assertTrue(harness.isIdle(), harness.state());
    }

    private void establishCall()
    {
        final Sent invite = inviteToCallee();
        harness.receive(CALLEE, bob.answer(invite, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200"));
        harness.receive(CALLER, alice.ack());
        harness.drain();
    }
}
