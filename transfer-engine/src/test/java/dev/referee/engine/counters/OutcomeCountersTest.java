package dev.referee.engine.counters;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutcomeCountersTest
{
    private static final long S = 1_000_000_000L;
    private static final int BLIND = OutcomeCounters.TRANSFER_KINDS.indexOf("blind");
    private static final int PICKUP = OutcomeCounters.TRANSFER_KINDS.indexOf("pickup");
    private static final int UNKNOWN_KIND = OutcomeCounters.TRANSFER_KINDS.size();
    private static final int COMPLETED = OutcomeCounters.TRANSFER_OUTCOMES.indexOf("completed");
    private static final int FAILED = OutcomeCounters.TRANSFER_OUTCOMES.indexOf("failed");

    private final OutcomeCounters counters = new OutcomeCounters();

    @Test
    void shouldCountEndedCallsByTheCauseTheEventNames()
    {
        counters.onCallCreated(0, 1, 0, "a", "b", "from", "to", "target");
        counters.onCallCreated(0, 2, 0, "a", "b", "from", "to", "target");
        counters.onCallEnded(S, 1, new StringBuilder("callee-bye"), 0);
        counters.onCallEnded(S, 2, "rejected", 486);
        counters.onCallEnded(S, 3, "something-new", 0);

        assertEquals(2, counters.callsStarted());
        assertEquals(1, counters.callsEnded(OutcomeCounters.CALL_OUTCOMES.indexOf("callee-bye")));
        assertEquals(1, counters.callsEnded(OutcomeCounters.CALL_OUTCOMES.indexOf("rejected")));
        assertEquals(0, counters.callsEnded(OutcomeCounters.CALL_OUTCOMES.indexOf("caller-bye")));
        assertEquals(1, counters.callsEnded(OutcomeCounters.CALL_OUTCOMES.size()), "an unknown cause counts as other");
    }

    @Test
    void shouldCountTransfersByKindAndOutcomeAndMeasureHowLongEachTook()
    {
        counters.onTransferStarted(10 * S, 1, 1, "blind", "sip:carol@example.com");
        // A pickup numbers its own ids: the same id on another call is another transfer.
        counters.onTransferStarted(11 * S, 2, 1, "pickup", "sip:dave@example.com");
        counters.onTransferCompleted(11 * S, 2, 1, 2);
        counters.onTransferFailed(13 * S, 1, 1, 486, "busy");
        counters.onTransferRefused(14 * S, 3, 403, "not allowed");

        assertEquals(2, counters.transfersStarted());
        assertEquals(1, counters.transfers(BLIND, FAILED));
        assertEquals(0, counters.transfers(BLIND, COMPLETED));
        assertEquals(1, counters.transfers(PICKUP, COMPLETED));
        assertEquals(1, counters.refused());
        assertEquals(2, counters.transferDurationNs().count());
        assertEquals(3 * S, counters.transferDurationNs().sum(), "0 s for the pickup, 3 s for the blind transfer");
        assertEquals(1, counters.transferDurationNs().count(0), "0 s: in the first bucket (up to 0.5 s)");
    }

    @Test
    void shouldCountAnOutcomeWhoseStartItDidNotSeeAsOfUnknownKindWithoutADuration()
    {
        counters.onTransferCompleted(5 * S, 9, 4, 10); // started before a restart

        assertEquals(1, counters.transfers(UNKNOWN_KIND, COMPLETED));
        assertEquals(0, counters.transferDurationNs().count());
    }
}
