package dev.referee.transport;

/**
 * Tells a standing queue in front of the engine from a passing one, as CoDel (RFC 8289) tells a bad queue from a
 * good one: a lag above {@code target} that has not once fallen back to it for a whole {@code interval} is a
 * standing queue (offered more than the engine takes), which only shedding new calls empties; a lag that rises and
 * falls back within the interval is a burst or a stall (a GC, a compilation), which drains by itself. Once shedding,
 * it goes on while the lag stays above the target, and it starts again at once when the lag rises within an interval
 * of the last shedding, so that the lag keeps near the target instead of growing for a whole interval each time.
 *
 * <p>Why a target well under T1 (500 ms) rather than only {@code overload.max-lag} (1 s): a caller whose INVITE
 * waits past T1 retransmits it, a callee whose 200 waits for its ACK past T1 retransmits it, and so on for every
 * message of an admitted call; a queue held near 1 s makes the admitted calls cost more work than they would, which
 * is how goodput collapses past the capacity (docs/overload.md).
 *
 * <p>One per receive thread, fed the lag it reads when a new call arrives; no clock of its own (the times are
 * given), nothing allocated.
 */
final class StandingLag
{
    private static final long NEVER = Long.MIN_VALUE;

    private final long targetNs;
    private final long intervalNs;
    private long aboveSinceNs = NEVER;
    private long sheddingEndedNs = NEVER;
    private boolean shedding;

    /**
     * @param targetNs   {@code overload.standing-lag}; 0 turns the judgement off (only {@code max-lag} sheds).
     * @param intervalNs {@code overload.standing-interval}.
     */
    StandingLag(final long targetNs, final long intervalNs)
    {
        this.targetNs = targetNs;
        this.intervalNs = intervalNs;
    }

    /**
     * At {@code nowNs} the engine's lag is that of a planned pause (a journal snapshot) or of the inputs that waited
     * for it: as if the lag had fallen back to the target. The pause is no queue, and a stretch above the target
     * before it does not add up with the catching up after it; a queue that stood (shedding before the pause) sheds
     * again at once if the lag rises within an interval, as after any shedding.
     */
    void plannedPause(final long nowNs)
    {
        shed(0, nowNs);
    }

    /** True when a new call seeing the engine {@code lagNs} behind at {@code nowNs} is to be shed. */
    boolean shed(final long lagNs, final long nowNs)
    {
        if (targetNs <= 0)
        {
            return false;
        }
        if (lagNs <= targetNs)
        {
            aboveSinceNs = NEVER;
            if (shedding)
            {
                shedding = false;
                sheddingEndedNs = nowNs;
            }
            return false;
        }
        if (!shedding)
        {
            if (aboveSinceNs == NEVER)
            {
                aboveSinceNs = nowNs;
            }
            shedding = nowNs - aboveSinceNs >= intervalNs ||
                sheddingEndedNs != NEVER && nowNs - sheddingEndedNs < intervalNs;
        }
        return shedding;
    }
}
