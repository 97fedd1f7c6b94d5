package dev.referee.engine.counters;

import dev.referee.engine.events.EngineEvents;
import dev.referee.ring.Counter;
import dev.referee.ring.FixedHistogram;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How calls and transfers ended, counted from the engine's domain events: calls started and ended by cause,
 * transfers by kind and outcome, and how long transfers took (engine time from start to outcome). The labels are the
 * events' own names, the ones the journal and call records carry, so a figure here and a line of
 * {@code referee journal calls} say the same thing.
 * <p>
 * Engine thread writes (single writer, ordered stores), any thread reads. Nothing is allocated per event: names are
 * matched against fixed lists, and each transfer's start is kept in a fixed table until its outcome. That table holds
 * {@link #PENDING_TRANSFERS} transfers; a transfer whose entry was taken by a later one (more than that many under
 * way, or a collision) or that started before a restart is counted but its duration is not measured.
 */
public final class OutcomeCounters implements EngineEvents
{
    /** The causes {@link EngineEvents#onCallEnded} names, in counter order; anything else counts as {@link #OTHER}. */
    public static final List<String> CALL_OUTCOMES = List.of("caller-bye", "callee-bye", "cancelled", "rejected",
        "timeout", "no-ack", "transferred", "transfer-failed", "pickup-failed", "session-expired", "no-prack",
        "media-timeout", "media-failed", "ended");
    /** The kinds {@link EngineEvents#onTransferStarted} names; a transfer of no known kind counts as {@link #OTHER}. */
    public static final List<String> TRANSFER_KINDS = List.of("blind", "attended", "blonde", "pickup", "redirect");
    /** Outcomes of a transfer that started; a REFER refused before it started has no kind, see {@link #refused()}. */
    public static final List<String> TRANSFER_OUTCOMES = List.of("completed", "failed");
    public static final String OTHER = "other";
    /** Transfers whose start time is kept at once, a power of two. */
    static final int PENDING_TRANSFERS = 1024;
    /** Bounds of the transfer duration buckets, in nanoseconds: 0.5 s to 5 min (a target rings for up to a minute). */
    private static final long[] DURATION_BOUNDS_NS = {
        500_000_000L, 1_000_000_000L, 2_000_000_000L, 5_000_000_000L, 10_000_000_000L, 20_000_000_000L,
        30_000_000_000L, 60_000_000_000L, 120_000_000_000L, 300_000_000_000L};
    private static final int COMPLETED = 0;
    private static final int FAILED = 1;
    /** In {@link #pendingKind}: the entry holds no transfer. */
    private static final int FREE = -1;

    private final Counter callsStarted = new Counter();
    private final AtomicLongArray callsEnded = new AtomicLongArray(CALL_OUTCOMES.size() + 1);
    /** Row per kind (and {@link #OTHER} last), column per outcome. */
    private final AtomicLongArray transfers = new AtomicLongArray((TRANSFER_KINDS.size() + 1) * 2);
    private final Counter transfersStarted = new Counter();
    private final Counter refused = new Counter();
    private final FixedHistogram transferDurationNs = new FixedHistogram(DURATION_BOUNDS_NS);
    // The start of each transfer under way, by (call id, transfer id): pickups number their own ids.
    private final long[] pendingCall = new long[PENDING_TRANSFERS];
    private final long[] pendingTransfer = new long[PENDING_TRANSFERS];
    private final long[] pendingStartNs = new long[PENDING_TRANSFERS];
    private final int[] pendingKind = new int[PENDING_TRANSFERS];

    public OutcomeCounters()
    {
        Arrays.fill(pendingKind, FREE);
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        callsStarted.increment();
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        increment(callsEnded, indexOf(CALL_OUTCOMES, cause));
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        refused.increment();
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId, final CharSequence kind,
        final CharSequence target)
    {
        transfersStarted.increment();
        final int slot = slot(callId, transferId);
        pendingCall[slot] = callId;
        pendingTransfer[slot] = transferId;
        pendingStartNs[slot] = nowNs;
        pendingKind[slot] = indexOf(TRANSFER_KINDS, kind);
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        ended(nowNs, callId, transferId, COMPLETED);
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        ended(nowNs, callId, transferId, FAILED);
    }

    /** Calls begun: callers' INVITEs relayed, and the calls transfers made. Any thread. */
    public long callsStarted()
    {
        return callsStarted.get();
    }

    /** Calls ended with cause {@code CALL_OUTCOMES.get(outcome)}, or any other cause for {@code CALL_OUTCOMES.size()}. */
    public long callsEnded(final int outcome)
    {
        return callsEnded.getAcquire(outcome);
    }

    /**
     * Transfers of kind {@code TRANSFER_KINDS.get(kind)} (size(): unknown, e.g. started before a restart) that ended
     * with {@code TRANSFER_OUTCOMES.get(outcome)}.
     */
    public long transfers(final int kind, final int outcome)
    {
        return transfers.getAcquire(kind * 2 + outcome);
    }

    /** Transfers started (a REFER accepted, a pickup made). */
    public long transfersStarted()
    {
        return transfersStarted.get();
    }

    /** REFERs refused before a transfer started (403, 491, a webhook's no...). */
    public long refused()
    {
        return refused.get();
    }

    /** Engine time from a transfer's start to its outcome, in nanoseconds, for the transfers whose start was kept. */
    public FixedHistogram transferDurationNs()
    {
        return transferDurationNs;
    }

    private void ended(final long nowNs, final long callId, final long transferId, final int outcome)
    {
        final int slot = slot(callId, transferId);
        int kind = TRANSFER_KINDS.size();
        if (pendingKind[slot] != FREE && pendingTransfer[slot] == transferId && pendingCall[slot] == callId)
        {
            kind = pendingKind[slot];
            transferDurationNs.record(nowNs - pendingStartNs[slot]);
            pendingKind[slot] = FREE;
        }
        increment(transfers, kind * 2 + outcome);
    }

    private static int slot(final long callId, final long transferId)
    {
        return (int)((transferId * 31 + callId) & (PENDING_TRANSFERS - 1));
    }

    /** The position of {@code name} in {@code names}, or names.size() when it is none of them; allocates nothing. */
    private static int indexOf(final List<String> names, final CharSequence name)
    {
        for (int i = 0; i < names.size(); i++)
        {
            if (names.get(i).contentEquals(name))
            {
                return i;
            }
        }
        return names.size();
    }

    private static void increment(final AtomicLongArray array, final int index)
    {
        // Single writer: a plain read then an ordered store is enough, and cheaper than a CAS.
        array.setRelease(index, array.getPlain(index) + 1);
    }
}
