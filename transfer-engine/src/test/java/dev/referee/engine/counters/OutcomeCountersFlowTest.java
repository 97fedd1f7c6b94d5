package dev.referee.engine.counters;

import dev.referee.journal.MemorySink;
import dev.referee.journal.SyntheticCalls;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The counters a running engine keeps as real message flows go through it. */
class OutcomeCountersFlowTest
{
    private static final long START_NS = 1_000_000_000L;

    private final SyntheticCalls calls = new SyntheticCalls(new MemorySink(), 11, START_NS);
    private final OutcomeCounters outcomes = calls.counters().outcomes();

    @Test
    void shouldCountCallsAndBlindTransfersByOutcome()
    {
        calls.callerBye(calls.establish(1));
        calls.blindTransfer(calls.establish(2), 2, 200);
        calls.blindTransfer(calls.establish(3), 3, 486);
        calls.rejected(4, 486);

        // Four callers' calls and the one the completed transfer made.
        assertEquals(5, outcomes.callsStarted());
        assertEquals(2, ended("caller-bye"), "call 1, and call 3 after its failed transfer");
        assertEquals(1, ended("callee-bye"), "the call the transfer made: its target hangs up");
        assertEquals(1, ended("transferred"));
        assertEquals(1, ended("rejected"));
        final int blind = OutcomeCounters.TRANSFER_KINDS.indexOf("blind");
        assertEquals(1, outcomes.transfers(blind, OutcomeCounters.TRANSFER_OUTCOMES.indexOf("completed")));
        assertEquals(1, outcomes.transfers(blind, OutcomeCounters.TRANSFER_OUTCOMES.indexOf("failed")));
        assertEquals(2, outcomes.transferDurationNs().count());
    }

    @Test
    void shouldCountRetransmissionsSentAndReceived()
    {
        final String invite = "INVITE sip:bob9@127.0.0.1:5060 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-retransmitted\r\nMax-Forwards: 70\r\n" +
            "From: <sip:alice9@127.0.0.1:5070>;tag=a9\r\nTo: <sip:bob9@127.0.0.1:5060>\r\n" +
            "Call-ID: retransmitted@synthetic\r\nCSeq: 1 INVITE\r\nContact: <sip:alice9@127.0.0.1:5070>\r\n" +
            "Content-Length: 0\r\n\r\n";
        calls.send(SyntheticCalls.CALLER, invite);
        calls.send(SyntheticCalls.CALLER, invite); // the caller's own retransmission
        calls.advanceMs(600); // Timer A (T1 = 500 ms): the callee has not answered, Referee sends its INVITE again

        assertEquals(1, calls.counters().get(EngineCounters.RETRANSMISSIONS_RECEIVED));
        assertEquals(2, calls.counters().get(EngineCounters.RETRANSMISSIONS_SENT),
            "the 100 Trying again for the caller's retransmission (RFC 3261 §17.2.1), the INVITE on Timer A");
    }

    private long ended(final String cause)
    {
        return outcomes.callsEnded(OutcomeCounters.CALL_OUTCOMES.indexOf(cause));
    }
}
