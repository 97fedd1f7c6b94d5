package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Recordings of whole calls made with {@link SyntheticCalls} (a real engine driven by scripted phones), for replay
 * by benchmarks and the allocation test. Each ends with enough ticks for every transaction to end (64*T1 at most:
 * Timers D, J, K and L), so that replaying one from a fresh engine covers each call's whole life and leaves an
 * empty engine.
 * <p>
 * Two time scales. {@link #SPARSE}: SyntheticCalls' 1 ms between messages and RFC 3261's T1 of 500 ms, so that
 * transactions end while calls go on, as in a node that has been running (the allocation test's steady state).
 * {@link #DENSE}: 10 us between messages and T1 = 5 ms (T2 and T4 scaled alike), for throughput: the engine's timer
 * wheel is polled every millisecond of engine time whether traffic flows or not, and at one message per millisecond
 * a transfer would pay for about 14 polls over a wheel crowded with 32 s of waiting transactions, where a node at
 * 100,000 transfers/s pays a hundredth of one. Messages come microseconds after what they answer, so no
 * retransmission timer fires either way; each call makes the same transactions and timers on both scales.
 */
public final class SyntheticRecordings
{
    /** Engine time at the first input. */
    public static final long START_NS = TimeUnit.SECONDS.toNanos(1000);

    /** A time scale: engine time between two messages, and T1. */
    public record TimeScale(long stepNs, long t1Ns)
    {
    }

    public static final TimeScale SPARSE =
        new TimeScale(TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(500));
    public static final TimeScale DENSE =
        new TimeScale(TimeUnit.MICROSECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(5));

    private SyntheticRecordings()
    {
    }

    /** {@code calls} basic calls one after the other: INVITE, 180, 200, ACK, then the caller's BYE and its 200. */
    public static RecordedInputs basicCalls(final int calls, final long seed, final TimeScale scale)
    {
        final MemorySink sink = new MemorySink();
        final SyntheticCalls phones = phones(sink, seed, scale);
        for (int n = 1; n <= calls; n++)
        {
            phones.callerBye(phones.establish(n));
        }
        return drained(phones, sink, scale);
    }

    /**
     * {@code transfers} complete blind transfers one after the other: a call set up, the callee REFERs the caller to
     * carol, carol rings and answers, the caller is re-INVITEd to her, the transferor hangs up, then carol does;
     * every NOTIFY is answered.
     */
    public static RecordedInputs blindTransfers(final int transfers, final long seed, final TimeScale scale)
    {
        return RecordedInputs.of(blindTransferRecords(transfers, seed, scale));
    }

    /**
     * The journal records of {@link #blindTransfers}, as encoded: the node-start record first, then every input,
     * output and domain event in order (what a cluster's ingress or a journal carries).
     */
    public static List<byte[]> blindTransferRecords(final int transfers, final long seed, final TimeScale scale)
    {
        final MemorySink sink = new MemorySink();
        final SyntheticCalls phones = phones(sink, seed, scale);
        for (int n = 1; n <= transfers; n++)
        {
            phones.blindTransfer(phones.establish(n), n, 200);
        }
        drain(phones, scale);
        return List.copyOf(sink.records());
    }

    /**
     * One long run of {@code chunks * transfers} blind transfers (as {@link #blindTransfers}) cut into {@code chunks}
     * recordings of {@code transfers} each, to be replayed in order into one engine: each chunk starts where the
     * previous one left the engine (its transactions still waiting, its timers still set), so that every chunk after
     * the first finds the engine in the steady state of a node that has been running, and only the last drains it.
     * Each chunk carries the node-start record (the configuration and key are those of the whole run).
     */
    public static List<RecordedInputs> blindTransferChunks(final int chunks, final int transfers, final long seed,
        final TimeScale scale)
    {
        return chunked(chunks, transfers, seed, scale,
            (phones, n) -> phones.blindTransfer(phones.establish(n), n, 200));
    }

    /** {@link #basicCalls} as {@link #blindTransferChunks} cuts blind transfers. */
    public static List<RecordedInputs> basicCallChunks(final int chunks, final int calls, final long seed,
        final TimeScale scale)
    {
        return chunked(chunks, calls, seed, scale, (phones, n) -> phones.callerBye(phones.establish(n)));
    }

    /** One scripted call (or transfer) numbered {@code n}. */
    private interface ScriptedCall
    {
        void run(SyntheticCalls phones, int n);
    }

    private static List<RecordedInputs> chunked(final int chunks, final int perChunk, final long seed,
        final TimeScale scale, final ScriptedCall call)
    {
        final MemorySink sink = new MemorySink();
        final SyntheticCalls phones = phones(sink, seed, scale);
        final byte[] nodeStart = sink.records().peekFirst();
        final List<RecordedInputs> recordings = new ArrayList<>(chunks);
        int n = 1;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            for (int i = 0; i < perChunk; i++, n++)
            {
                call.run(phones, n);
            }
            if (chunk == chunks - 1)
            {
                drain(phones, scale);
            }
            final List<byte[]> records = new ArrayList<>(sink.records());
            sink.records().clear();
            if (chunk > 0)
            {
                records.add(0, nodeStart);
            }
            recordings.add(RecordedInputs.of(records));
        }
        return recordings;
    }

    private static SyntheticCalls phones(final MemorySink sink, final long seed, final TimeScale scale)
    {
        final EngineConfig config = SyntheticCalls.config(SyntheticCalls.key(seed), scale.t1Ns());
        return new SyntheticCalls(sink, config, START_NS, scale.stepNs());
    }

    private static RecordedInputs drained(final SyntheticCalls phones, final MemorySink sink, final TimeScale scale)
    {
        drain(phones, scale);
        return RecordedInputs.of(sink.records());
    }

    private static void drain(final SyntheticCalls phones, final TimeScale scale)
    {
        // 64*T1 and a little more: the longest any transaction waits (ticks every 10 ms, as the node's ticker).
        phones.advanceMs(TimeUnit.NANOSECONDS.toMillis(80 * scale.t1Ns()));
        if (phones.engine().activeCalls() != 0 || phones.engine().transactions() != 0 ||
            phones.engine().timers() != 0)
        {
            throw new IllegalStateException("recording left calls=" + phones.engine().activeCalls() +
                " transactions=" + phones.engine().transactions() + " timers=" + phones.engine().timers());
        }
    }
}
