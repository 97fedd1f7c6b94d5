package dev.referee.engine.counters;

import dev.referee.sip.SipMethod;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters the engine writes (single writer, ordered stores) and the admin thread reads. Message counts are kept
 * per method (requests) and per status code (responses), in both directions.
 */
public final class EngineCounters
{
    /** Index 0 counts unknown methods; index i+1 the method with bit i. */
    private static final int METHOD_SLOTS = 15;
    private static final int STATUS_SLOTS = 700;

    public static final int CALLS = 0;
    public static final int DIALOGS = 1;
    /** Transactions waiting for a final response. */
    public static final int TRANSACTIONS = 2;
    public static final int TIMERS = 3;
    public static final int MALFORMED = 4;
    public static final int OUTBOUND_FULL = 5;
    public static final int UNEXPECTED = 6;
    public static final int CALLS_TOTAL = 7;
    public static final int TRANSACTIONS_WAITING = 8;
    /** Responses whose branch matched a client transaction but that came from another host: dropped. */
    public static final int RESPONSES_FROM_ELSEWHERE = 9;
    /** Requests answered 503 because {@code sip.max-transactions} server transactions were held. */
    public static final int TRANSACTION_LIMIT = 10;
    /** Messages sent again: requests on Timers A and E, final responses on Timer G and 2xx, ACKs for a retransmitted final. */
    public static final int RETRANSMISSIONS_SENT = 11;
    /** Requests that matched a server transaction already held: absorbed, or answered with its last response. */
    public static final int RETRANSMISSIONS_RECEIVED = 12;
    /** Configurations applied by a reload since the engine was built (its recovery's replay included). */
    public static final int RELOADS = 13;
    /** 2xx from a fork other than the one that answered first: acknowledged and released with BYE (RFC 3261 §13.2.2.4). */
    public static final int FORKS_RELEASED = 14;
    /** Requests that arrived again by another path (same From, Call-ID, CSeq, another branch): answered 482. */
    public static final int MERGED_REQUESTS = 15;
    /** PRACKs Referee sent for a callee's reliable provisionals (RFC 3262 §4). */
    public static final int PRACKS_SENT = 16;
    /** PRACKs from a caller that acknowledged a reliable provisional Referee sent (RFC 3262 §3). */
    public static final int PRACKS_RECEIVED = 17;
    /** Reliable provisionals Referee sent that no PRACK acknowledged within 64*T1: the INVITE got 500. */
    public static final int PROVISIONALS_UNACKNOWLEDGED = 18;
    /** New calls answered 503 because media.ports had no port pairs left for them (issue 10). */
    public static final int MEDIA_PORTS_EXHAUSTED = 19;
    /** Media port pairs in use (media anchored): one per relayed m= line per leg. */
    public static final int MEDIA_PAIRS_IN_USE = 20;
    /** Media port pairs in media.ports (0: media passes through). */
    public static final int MEDIA_PAIRS = 21;
    /** Relay endpoints that could not be opened: their calls failed, cause media-failed (issue 10). */
    public static final int MEDIA_OPEN_FAILED = 22;
    /** Media port pairs out of the pool: the relay could not bind them (another process holds a port). */
    public static final int MEDIA_PAIRS_UNUSABLE = 23;
    /** New calls answered 503 because {@code sip.max-calls} calls were up (the engine's bound, not admission's). */
    public static final int CALL_LIMIT = 24;
    /**
     * Waiting transactions whose row went before its timer because its table was full (node-start version 11 on;
     * docs/engine.md "Waiting transactions as rows"): a retransmission that late is taken as new. Since the engine
     * was built or restored.
     */
    public static final int TRANSACTIONS_WAITING_EVICTED = 25;
    private static final int GAUGE_SLOTS = 26;

    private final AtomicLongArray gauges = new AtomicLongArray(GAUGE_SLOTS);
    private final AtomicLongArray requestsIn = new AtomicLongArray(METHOD_SLOTS);
    private final AtomicLongArray requestsOut = new AtomicLongArray(METHOD_SLOTS);
    private final AtomicLongArray responsesIn = new AtomicLongArray(STATUS_SLOTS);
    private final AtomicLongArray responsesOut = new AtomicLongArray(STATUS_SLOTS);
    /** Calls and transfers by outcome, counted from the engine's domain events. */
    private final OutcomeCounters outcomes = new OutcomeCounters();
    /** Per trunk call policy counts; installed by the engine, which knows the trunks. */
    private volatile TrunkCounters trunks = TrunkCounters.NONE;
    /** Per route target with keepalive; installed by the engine (and again by a reload). */
    private volatile TargetCounters targets = TargetCounters.NONE;

    /** Calls and transfers by outcome; the engine hands them its domain events. */
    public OutcomeCounters outcomes()
    {
        return outcomes;
    }

    /** Up, pings, downs and ups of each route target with keepalive (none until an engine is built). */
    public TargetCounters targets()
    {
        return targets;
    }

    public void targets(final TargetCounters targets)
    {
        this.targets = targets;
    }

    /** The per-trunk counters of the engine's trunks (empty until an engine is built with these counters). */
    public TrunkCounters trunks()
    {
        return trunks;
    }

    /** Called by the engine when it is built and on each reload: one row per trunk of its configuration. */
    public void trunks(final TrunkCounters trunks)
    {
        this.trunks = trunks;
    }

    public static int methodSlot(final int method)
    {
        return method == SipMethod.UNKNOWN ? 0 : Integer.numberOfTrailingZeros(method) + 1;
    }

    public static String methodOfSlot(final int slot)
    {
        return slot == 0 ? "OTHER" : SipMethod.name(1 << (slot - 1));
    }

    public static int methodSlots()
    {
        return METHOD_SLOTS;
    }

    public void requestIn(final int method)
    {
        increment(requestsIn, methodSlot(method));
    }

    public void requestOut(final int method)
    {
        increment(requestsOut, methodSlot(method));
    }

    public void responseIn(final int status)
    {
        increment(responsesIn, Math.min(status, STATUS_SLOTS - 1));
    }

    public void responseOut(final int status)
    {
        increment(responsesOut, Math.min(status, STATUS_SLOTS - 1));
    }

    public void increment(final int gauge)
    {
        increment(gauges, gauge);
    }

    public void set(final int gauge, final long value)
    {
        gauges.setRelease(gauge, value);
    }

    public long get(final int gauge)
    {
        return gauges.getAcquire(gauge);
    }

    public long requestsIn(final int slot)
    {
        return requestsIn.getAcquire(slot);
    }

    public long requestsOut(final int slot)
    {
        return requestsOut.getAcquire(slot);
    }

    public long responsesIn(final int status)
    {
        return responsesIn.getAcquire(status);
    }

    public long responsesOut(final int status)
    {
        return responsesOut.getAcquire(status);
    }

    public static int statusSlots()
    {
        return STATUS_SLOTS;
    }

    private static void increment(final AtomicLongArray array, final int index)
    {
        // Single writer: a plain read then an ordered store is enough, and cheaper than a CAS.
        array.setRelease(index, array.getPlain(index) + 1);
    }
}
