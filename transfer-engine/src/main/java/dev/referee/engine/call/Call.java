package dev.referee.engine.call;

import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;

/**
 * A back-to-back call: the caller's leg (A, Referee is UAS) and the callee's leg (B, Referee is UAC), which never
 * see each other's Call-ID, tags, Via, Contact or route set. Engine thread only.
 */
public final class Call
{
    public enum State
    {
        /** INVITE relayed to the callee, no final answer yet. */
        INITIATING,
        /** The callee answered; media flows. */
        CONFIRMED,
        /** A BYE is under way on at least one leg. */
        TERMINATING,
        /** Gone: nothing refers to it any more. */
        ENDED
    }

    final long id;
    final Leg a;
    final Leg b;
    State state = State.INITIATING;
    ServerTransaction callerInvite;
    ClientTransaction calleeInvite;
    /** The caller cancelled before the callee sent a provisional: CANCEL goes when one arrives (RFC 3261 §9.1). */
    boolean cancelPending;
    boolean cancelled;
    int byesOutstanding;
    /** Why the call ends, set by whatever ends it first (for the call-ended event). */
    String endCause;

    Call(final long id, final long aLegId, final long bLegId, final B2bua b2bua)
    {
        this.id = id;
        this.a = new Leg(aLegId, this, b2bua);
        this.b = new Leg(bLegId, this, b2bua);
    }

    public long id()
    {
        return id;
    }

    public State state()
    {
        return state;
    }

    public Leg callerLeg()
    {
        return a;
    }

    public Leg calleeLeg()
    {
        return b;
    }

    Leg peerOf(final Leg leg)
    {
        return leg == a ? b : a;
    }
}
