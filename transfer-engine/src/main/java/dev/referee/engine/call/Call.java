package dev.referee.engine.call;

import dev.referee.engine.message.StoredMessage;
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
    /** The call this one was transferred from; 0 for a call placed by a caller. */
    final long parentId;
    /** The caller's side: the leg that came first. */
    Leg a;
    /** The other side. */
    Leg b;
    State state = State.INITIATING;
    ServerTransaction callerInvite;
    ClientTransaction calleeInvite;
    /** The caller cancelled before the callee sent a provisional: CANCEL goes when one arrives (RFC 3261 §9.1). */
    boolean cancelPending;
    boolean cancelled;
    int byesOutstanding;
    /** Why the call ends, set by whatever ends it first (for the call-ended event). */
    String endCause;
    /** Every leg that belonged to the call; those still in it ({@code leg.call == this}) go when it ends. */
    final java.util.List<Leg> legs = new java.util.ArrayList<>(2); // a transfer's new legs make it grow
    /** The latest transfer of this call, under way or done; null when none was asked for. */
    Transfer transfer;
    /** A REFER whose webhook has not answered yet (a second REFER meanwhile gets 491). */
    ReferRequest pendingRefer;
    /** Blonde transfer: a transfer waits for this call's callee to answer, to take it over. */
    Transfer blonde;
    /** The caller's offer (body and its Content-Type), kept to send it again to a redirect target; given back at the end. */
    StoredMessage callerOffer;
    String callerOfferType;
    /**
     * Redirect Contacts still to try, best q first (an immutable empty list until a redirect brings some: most calls
     * never see one); every target tried so far; how many were tried.
     */
    java.util.List<String> redirectTargets = java.util.List.of();
    /**
     * The targets tried: null, the one String tried (nearly every call tries one only), or from the second on a
     * {@code Set<String>} of them. One field, not two: a call object 8 bytes smaller.
     */
    private Object triedTargets;
    int redirects;

    Call(final long id, final long aLegId, final long bLegId, final B2bua b2bua)
    {
        this.id = id;
        this.parentId = 0;
        this.a = new Leg(aLegId, this, b2bua);
        this.b = new Leg(bLegId, this, b2bua);
        Leg.join(a, b);
        legs.add(a);
        legs.add(b);
    }

    /** A call made of two legs that exist already (a transfer's outcome), child of {@code parentId}. */
    Call(final long id, final long parentId, final Leg a, final Leg b)
    {
        this.id = id;
        this.parentId = parentId;
        this.a = a;
        this.b = b;
        this.state = State.CONFIRMED;
        a.call = this;
        b.call = this;
        Leg.join(a, b);
        legs.add(a);
        legs.add(b);
    }

    /** A call restored from a snapshot (CallSnapshots): its legs and the rest are set there. */
    Call(final long id, final long parentId)
    {
        this.id = id;
        this.parentId = parentId;
    }

    /** Records a target tried; false when it had been tried already (as {@code Set.add}). */
    @SuppressWarnings("unchecked")
    boolean tryTarget(final String target)
    {
        if (triedTargets == null)
        {
            triedTargets = target;
            return true;
        }
        if (triedTargets instanceof String first)
        {
            if (first.equals(target))
            {
                return false;
            }
            final java.util.Set<String> all = new java.util.HashSet<>();
            all.add(first);
            triedTargets = all;
        }
        return ((java.util.Set<String>)triedTargets).add(target);
    }

    /** Every target tried, in no particular order (for a snapshot). */
    @SuppressWarnings("unchecked")
    java.util.Collection<String> triedTargets()
    {
        if (triedTargets == null)
        {
            return java.util.List.of();
        }
        return triedTargets instanceof String first ? java.util.List.of(first) :
            (java.util.Collection<String>)triedTargets;
    }

    public long parentId()
    {
        return parentId;
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
}
