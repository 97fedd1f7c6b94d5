package dev.referee.transport;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a datagram waited in its socket, from its kernel stamp and the reading's time (real-time clock). */
class ReceiveBatchTest
{
    private static final long READ_AT = 1_765_000_000_000_000_000L;

    @Test
    void shouldTakeTheWaitFromTheArrivalStampToTheRead()
    {
        assertEquals(250_000_000L, ReceiveBatch.socketWaitNs(READ_AT, READ_AT - 250_000_000L));
        assertEquals(0, ReceiveBatch.socketWaitNs(READ_AT, READ_AT));
        assertEquals(ReceiveBatch.MAX_SOCKET_WAIT_NS,
            ReceiveBatch.socketWaitNs(READ_AT, READ_AT - ReceiveBatch.MAX_SOCKET_WAIT_NS));
    }

    @Test
    void shouldBelieveNoWaitWithoutAStampOrThatOnlyAClockStepMakes()
    {
        assertEquals(0, ReceiveBatch.socketWaitNs(READ_AT, 0), "no stamp (per-datagram reads, another system)");
        assertEquals(0, ReceiveBatch.socketWaitNs(READ_AT, READ_AT + 1), "read before it arrived: stepped back");
        assertEquals(0, ReceiveBatch.socketWaitNs(READ_AT, READ_AT - ReceiveBatch.MAX_SOCKET_WAIT_NS - 1),
            "longer than any socket buffer holds: stepped forward");
    }
}
