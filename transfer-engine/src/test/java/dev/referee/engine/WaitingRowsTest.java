package dev.referee.engine;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.engine.transaction.TransactionSnapshots;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.referee.engine.EngineHarness.CALLEE;
import static dev.referee.engine.EngineHarness.CALLER;
import static dev.referee.engine.EngineHarness.request;
import static dev.referee.engine.EngineHarness.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Node-start version 11: a server transaction that only waits out Timer J (non-INVITE, UDP) or Timer L (an accepted
 * INVITE) leaves the layer as a row of a table at the end of its input. On the wire nothing changes: what the objects
 * did, the rows do (retransmissions answered or absorbed, a merged request told, a late CANCEL answered), for 64*T1.
 */
class WaitingRowsTest
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

    @Test
    void shouldAbsorbTheCallersInviteAgainAfterTheTwoHundred()
    {
        final String invite = establish("rows-1@alice");
        assertEquals(0, held(), "the accepted INVITE waits as a row, not as an object");
        assertEquals(2, layer().waitingCount(), "the caller's INVITE and Referee's INVITE to the callee, as rows");

        final long before = harness.counters.get(EngineCounters.RETRANSMISSIONS_RECEIVED);
        harness.advanceMs(2_000);
        harness.receive(CALLER, invite);
        assertEquals(List.of(), harness.drain(), "absorbed: no second call, no answer (the TU resends the 2xx)");
        assertEquals(before + 1, harness.counters.get(EngineCounters.RETRANSMISSIONS_RECEIVED));
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldAnswerAMergedInviteAfterTheTwoHundredWithLoopDetected()
    {
        final String invite = establish("rows-2@alice");
        harness.receive(CALLER, invite.replace(";branch=z9hG4bK-alice-1;", ";branch=z9hG4bK-other-path;"));
        final Sent loop = harness.expectOne(response(482, CALLER), "482 to the merged INVITE");
        assertTrue(loop.header(dev.referee.sip.HeaderName.VIA).contains("z9hG4bK-other-path"));
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldAnswerACancelAfterTheTwoHundredWithOkAndCancelNothing()
    {
        establish("rows-3@alice");
        harness.receive(CALLER, alice.cancel());
        harness.expectOne(response(200, CALLER), "200 to the CANCEL: the INVITE is there, and already answered");
        assertEquals(1, harness.engine.activeCalls());
    }

    @Test
    void shouldAnswerTheByeAgainFromItsRowFor64T1AndThenNoLonger()
    {
        establish("rows-4@alice");
        final String callersBye = alice.bye();
        harness.receive(CALLER, callersBye);
        final List<Sent> out = harness.drain();
        final Sent ok = out.stream().filter(response(200, CALLER)).findFirst().orElseThrow();
        final Sent bye = out.stream().filter(s -> s.isRequest("BYE")).findFirst().orElseThrow();
        harness.receive(CALLEE, bob.answer(bye, 200, "OK", null));
        harness.drain();
        assertEquals(0, held() + TransactionSnapshots.clients(layer()).size(), "no waiting transaction is an object");
        assertEquals(4, layer().waitingCount(), "the INVITEs and BYEs of both legs wait as rows");

        harness.advanceMs(31_000);
        harness.receive(CALLER, callersBye);
        assertEquals(ok.text, harness.expectOne(response(200, CALLER), "the same 200 again").text);

        harness.advanceMs(1_500); // past 64*T1 = 32 s
        harness.receive(CALLER, callersBye);
        final Sent unknown = harness.expectOne(response(481, CALLER), "a BYE no dialog and no transaction knows now");
        assertEquals(1, layer().waitingCount(), "the other rows gone; the BYE answered 481 waits as a row of its own");
        harness.receive(CALLER, callersBye);
        assertEquals(unknown.text, harness.expectOne(response(481, CALLER), "the same 481 again").text);
    }

    /** The callee lost Referee's ACK of its 486: the 486 again gets the same ACK again from the row (Timer D). */
    @Test
    void shouldAcknowledgeAFinalResponseSentAgainFromTheClientRow()
    {
        harness.receive(CALLER, alice.invite("bob", "rows-6@alice"));
        final Sent invite = harness.expectOne(request("INVITE", CALLEE), "INVITE to the callee");
        bob.accept(invite);
        final String busy = bob.answer(invite, 486, "Busy Here", null);
        harness.receive(CALLEE, busy);
        final List<Sent> out = harness.drain();
        final Sent ack = out.stream().filter(s -> s.isRequest("ACK")).findFirst().orElseThrow();
        harness.receive(CALLER, alice.ackFailure(out.stream().filter(s -> s.isResponse(486)).findFirst().orElseThrow()));
        assertEquals(0, TransactionSnapshots.clients(layer()).size(), "the INVITE to the callee waits as a row");

        harness.advanceMs(10_000);
        harness.receive(CALLEE, busy);
        assertEquals(ack.text, harness.expectOne(request("ACK", CALLEE), "the same ACK again").text);
        harness.advanceMs(30_000); // Timer D is over: a stray 486, nothing to answer
        harness.receive(CALLEE, busy);
        assertEquals(List.of(), harness.drain());
    }

    /**
     * The callee sends its 200 to the INVITE again after Referee's ACK (Timer M, RFC 6026 §7.2): the row hands it to
     * the dialog, which acknowledges it again; from another host it is counted and ignored.
     */
    @Test
    void shouldHandA2xxSentAgainToTheDialogFromTheClientRow()
    {
        harness.receive(CALLER, alice.invite("bob", "rows-7@alice"));
        final Sent invite = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        bob.accept(invite);
        final String ok = bob.answer(invite, 200, "OK", SipPhone.SDP);
        harness.receive(CALLEE, ok);
        alice.learn(harness.expectOne(response(200, CALLER), "200 to the caller"));
        harness.receive(CALLER, alice.ack());
        final Sent ack = harness.expectOne(request("ACK", CALLEE), "ACK to the callee");
        assertEquals(0, TransactionSnapshots.clients(layer()).size(), "the accepted INVITE waits as a row");

        harness.advanceMs(5_000);
        harness.receive(CALLEE, ok);
        assertEquals(ack.text, harness.expectOne(request("ACK", CALLEE), "ACK again").text);
        final long before = harness.counters.get(EngineCounters.RESPONSES_FROM_ELSEWHERE);
        harness.receive(new java.net.InetSocketAddress("127.0.0.9", 5062), ok);
        assertEquals(List.of(), harness.drain());
        assertEquals(before + 1, harness.counters.get(EngineCounters.RESPONSES_FROM_ELSEWHERE));
    }

    /** A journal made before node-start version 11 keeps its waiting transactions as objects with timers. */
    @Test
    void shouldKeepWaitingTransactionsAsObjectsInAJournalOfVersion10()
    {
        harness = EngineHarness.ofVersion(10);
        final String invite = establish("rows-5@alice");
        assertEquals(1, held(), "the accepted INVITE, an object waiting for its Timer L");
        assertEquals(1, TransactionSnapshots.clients(layer()).size(), "the INVITE to the callee, for its Timer M");
        harness.receive(CALLER, invite);
        assertEquals(List.of(), harness.drain());
        assertEquals(1, harness.engine.activeCalls());
    }

    /** The caller's INVITE through to the ACK of its 200; returns the INVITE's text. */
    private String establish(final String callId)
    {
        final String invite = alice.invite("bob", callId);
        harness.receive(CALLER, invite);
        final Sent relayed = harness.drain().stream().filter(s -> s.isRequest("INVITE")).findFirst().orElseThrow();
        bob.accept(relayed);
        harness.receive(CALLEE, bob.answer(relayed, 200, "OK", SipPhone.SDP));
        alice.learn(harness.expectOne(response(200, CALLER), "200 to the caller"));
        harness.receive(CALLER, alice.ack());
        harness.expectOne(request("ACK", CALLEE), "ACK to the callee");
        return invite;
    }

    private TransactionLayer layer()
    {
        return harness.engine.snapshotParts().transactions();
    }

    private int held()
    {
        return TransactionSnapshots.heldCount(layer());
    }
}
