package dev.referee.engine;

import dev.referee.engine.config.SipConfig;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sip.max-calls} and {@code sip.max-transactions} at their defaults fit the heap the launcher gives (the
 * {@code referee} script's -Xmx1536m), measured: the rings' slots, plus every call held in the state that holds the most
 * (a transfer whose target rings), plus every server transaction, leave a quarter of the heap for what the node
 * allocates as it goes (G1's young generation, the warm-up's garbage, grown ring slots). A change that makes calls
 * bigger fails here instead of as an OutOfMemoryError at capacity.
 */
class DefaultMaxCallsTest
{
    /** -Xmx of the {@code referee} launcher. */
    private static final long LAUNCHER_HEAP = 1_536L << 20;
    private static final int MEASURED_CALLS = 4_000;

    @Test
    void shouldFitTheDefaultCapsInTheLaunchersHeap()
    {
        long perCall = 0;
        String worst = null;
        for (final String state : CallFootprint.STATES)
        {
            final long bytes = CallFootprint.bytesPerCall(state, MEASURED_CALLS);
            if (bytes > perCall)
            {
                perCall = bytes;
                worst = state;
            }
        }
        final long perTransaction = CallFootprint.bytesPerTransaction(2 * MEASURED_CALLS);
        final long rings = CallFootprint.ringBytes();
        final SipConfig defaults = SipConfig.defaults();
        final long needed = rings + defaults.maxCalls() * perCall + (long)defaults.maxTransactions() * perTransaction;
        final String figures = String.format("rings %,d MiB + %,d calls x %,d bytes (%s) + %,d transactions x %,d " +
            "bytes = %,d MiB of a %,d MiB heap", rings >> 20, defaults.maxCalls(), perCall, worst,
            defaults.maxTransactions(), perTransaction, needed >> 20, LAUNCHER_HEAP >> 20);
        System.out.println("DefaultMaxCallsTest: " + figures);
        assertTrue(perCall > 1_000 && perTransaction > 200 && rings > 16_384 * 4_096L,
            "the measurement sees the calls, transactions and rings it makes: " + figures);
        assertTrue(needed <= LAUNCHER_HEAP * 3 / 4, "the defaults need more than three quarters of the heap: " + figures);
    }
}
