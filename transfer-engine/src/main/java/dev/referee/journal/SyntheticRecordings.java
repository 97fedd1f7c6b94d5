package dev.referee.journal;

import java.util.concurrent.TimeUnit;

/**
 * Recordings of whole calls made with {@link SyntheticCalls} (a real engine driven by scripted phones), for replay
 * by benchmarks and the allocation test. Each ends with enough ticks for every transaction to end (Timers D, J, K
 * and L: 64*T1 at most), so that replaying one from a fresh engine covers each call's whole life and leaves an
 * empty engine.
 */
public final class SyntheticRecordings
{
    /** Engine time at the first input. */
    public static final long START_NS = TimeUnit.SECONDS.toNanos(1000);
    /** Time let pass after the last call: more than 64*T1 (32 s), the longest a transaction waits. */
    private static final long DRAIN_MS = 40_000;

    private SyntheticRecordings()
    {
    }

    /** {@code calls} basic calls one after the other: INVITE, 180, 200, ACK, then the caller's BYE and its 200. */
    public static RecordedInputs basicCalls(final int calls, final long seed)
    {
        final MemorySink sink = new MemorySink();
        final SyntheticCalls phones = new SyntheticCalls(sink, seed, START_NS);
        for (int n = 1; n <= calls; n++)
        {
            phones.callerBye(phones.establish(n));
        }
        return drained(phones, sink);
    }

    /**
     * {@code transfers} complete blind transfers one after the other: a call set up, the callee REFERs the caller to
     * carol, carol rings and answers, the caller is re-INVITEd to her, the transferor hangs up, then carol does;
     * every NOTIFY is answered.
     */
    public static RecordedInputs blindTransfers(final int transfers, final long seed)
    {
        final MemorySink sink = new MemorySink();
        final SyntheticCalls phones = new SyntheticCalls(sink, seed, START_NS);
        for (int n = 1; n <= transfers; n++)
        {
            phones.blindTransfer(phones.establish(n), n, 200);
        }
        return drained(phones, sink);
    }

    private static RecordedInputs drained(final SyntheticCalls phones, final MemorySink sink)
    {
        phones.advanceMs(DRAIN_MS);
        if (phones.engine().activeCalls() != 0 || phones.engine().transactions() != 0)
        {
            throw new IllegalStateException("recording left calls=" + phones.engine().activeCalls() +
                " transactions=" + phones.engine().transactions());
        }
        return RecordedInputs.of(sink.records());
    }
}
