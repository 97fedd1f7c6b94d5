package dev.referee.engine.call;

import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessage;

/**
 * A back-to-back call: the caller's leg (A, Referee is UAS) and the callee's leg (B, Referee is UAC), which never
 * see each other's Call-ID, tags, Via, Contact or route set. Engine thread only.
 */
public final class Call
{
    /**
     * <pre>
     * INITIATING --callee's 2xx--> CONFIRMED --BYE--> TERMINATING --every BYE answered--> ENDED
     * INITIATING --caller's CANCEL or BYE, no provisional yet--> CANCEL_PENDING --provisional: CANCEL sent--> CANCELLING
     * INITIATING --caller's CANCEL or BYE after a provisional: CANCEL sent--> CANCELLING --callee's final--> ENDED
     * any but ENDED --released (rejected, timed out, transferred...)--> ENDED
     * </pre>
     */
    public enum State
    {
        /** INVITE relayed to the callee, no final answer yet. */
        INITIATING,
        /** The caller gave up before the callee sent a provisional: CANCEL goes when one comes (RFC 3261 §9.1). */
        CANCEL_PENDING,
        /** The caller gave up and the callee's INVITE is cancelled: its final response ends the call. */
        CANCELLING,
        /** The callee answered; media flows. */
        CONFIRMED,
        /** A BYE is under way on at least one leg. */
        TERMINATING,
        /** Gone: nothing refers to it any more. */
        ENDED;

        private java.util.EnumSet<State> next;

        static
        {
            INITIATING.next = java.util.EnumSet.of(CANCEL_PENDING, CANCELLING, CONFIRMED, TERMINATING, ENDED);
            CANCEL_PENDING.next = java.util.EnumSet.of(CANCELLING, ENDED);
            CANCELLING.next = java.util.EnumSet.of(ENDED);
            CONFIRMED.next = java.util.EnumSet.of(TERMINATING, ENDED);
            TERMINATING.next = java.util.EnumSet.of(ENDED);
            ENDED.next = java.util.EnumSet.noneOf(State.class);
        }

        boolean canMoveTo(final State state)
        {
            return next.contains(state);
        }

        /** The caller gave up before the call was answered (CANCEL, or BYE of an early dialog). */
        boolean isCancelled()
        {
            return this == CANCEL_PENDING || this == CANCELLING;
        }
    }

    final long id;
    /** The call this one was transferred from; 0 for a call placed by a caller. */
    final long parentId;
    /** The caller's side: the leg that came first. */
    Leg a;
    /** The other side. */
    Leg b;
    private State state = State.INITIATING;
    /** Where moves are reported; the B2BUA's. */
    final Transitions transitions;
    ServerTransaction callerInvite;
    ClientTransaction calleeInvite;
    int byesOutstanding;
    /** Why the call ends, set by whatever ends it first (for the call-ended event). */
    EndCause endCause;
    /** Every leg that belonged to the call; those still in it ({@code leg.call == this}) go when it ends. */
    final java.util.List<Leg> legs = new java.util.ArrayList<>(2); // a transfer's new legs make it grow
    /** The latest transfer of this call, under way or done; null when none was asked for. */
    CallTransfer transfer;
    /** A REFER whose webhook has not answered yet (a second REFER meanwhile gets 491). */
    PendingRefer pendingRefer;
    /** Blonde transfer: a transfer waits for this call's callee to answer, to take it over. */
    CallTransfer blonde;
    /**
     * Attended and blonde: the transfer of another call whose Replaces names this call's dialog with the transferor
     * (RFC 3891); it counts while {@link CallTransfer#replacesDialogIn} says so (derived, not in snapshots).
     */
    CallTransfer replacedBy;
    /** The caller's offer (body and its Content-Type), kept to send it again to a redirect target; given back at the end. */
    StoredMessage callerOffer;
    String callerOfferType;
    /**
     * Redirect Contacts still to try, best q first (an immutable empty list until a redirect brings some: most calls
     * never see one); every target tried so far; how many were tried.
     */
    java.util.List<String> redirectTargets = java.util.List.of();
    /**
     * The route's targets still to try, in order, when the callee's target fails (503, 408, no answer): an immutable
     * empty list for a route with one target (RouteFailover).
     */
    java.util.List<dev.referee.engine.config.RouteTarget> alternates = java.util.List.of();
    /**
     * The targets tried: null, the one String tried (nearly every call tries one only), or from the second on a
     * {@code Set<String>} of them. One field, not two: a call object 8 bytes smaller.
     */
    private Object triedTargets;
    /** Redirects followed, at most {@code redirect.max} (0 to 100). A short and a byte below: the call object stays 112 bytes. */
    short redirects;
    /**
     * The Session-Expires (and Min-SE) of the INVITEs to the callee, raised by a callee's 422 (RFC 4028 §7.4); 0 for
     * {@code sip.session-expires} and {@code sip.min-se}. Node-start version 6 on.
     */
    int sessionExpiresS;
    /** INVITEs sent to the callee again after its 422, at most {@link SessionTimers#MAX_INTERVAL_RETRIES}. */
    byte intervalRetries;
    /**
     * Max-Forwards of the INVITEs Referee originates for this call (EngineConfig.carriesMaxForwards): one less than
     * the request that triggers them, the caller's INVITE (and so its redirects), then the latest REFER (a transfer
     * target, a recall). 70 for a call no request of a peer made.
     */
    int maxForwards = SipLimits.MAX_FORWARDS;

    /** The INVITEs Referee originates from now on are triggered by {@code request} (RFC 7332): see {@link #maxForwards}. */
    public void triggeredBy(final SipMessage request)
    {
        maxForwards = LegMessages.forwardedMaxForwards(request);
    }

    Call(final long id, final long aLegId, final long bLegId, final B2bua b2bua)
    {
        this.id = id;
        this.parentId = 0;
        this.transitions = b2bua.transitions();
        this.a = new Leg(aLegId, this, b2bua);
        this.b = new Leg(bLegId, this, b2bua);
        Leg.join(a, b);
        legs.add(a);
        legs.add(b);
    }

    /** A call made of two legs that exist already (a transfer's outcome), child of {@code parentId}. */
    Call(final long id, final long parentId, final Leg a, final Leg b, final Transitions transitions)
    {
        this.id = id;
        this.parentId = parentId;
        this.transitions = transitions;
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
    Call(final long id, final long parentId, final State state, final Transitions transitions)
    {
        this.id = id;
        this.parentId = parentId;
        this.state = state;
        this.transitions = transitions;
    }

    /**
     * The call's one transition: moves to {@code next} when the machine allows it, and reports the move (or the
     * refusal: nothing changes then). Moving to the state the call is in already does nothing.
     */
    public void state(final State next, final long nowNs, final String reason)
    {
        if (next == state)
        {
            return;
        }
        if (!state.canMoveTo(next))
        {
            transitions.refused(StateMachine.CALL, id, id, state, next, reason, nowNs);
            return;
        }
        final State from = state;
        state = next;
        transitions.moved(StateMachine.CALL, id, id, from, next, reason, nowNs);
    }

    /** Records a target tried; false when it had been tried already (as {@code Set.add}). */
    @SuppressWarnings("unchecked")
    public boolean tryTarget(final String target)
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

    /** The latest transfer of this call, under way or done; null when none was asked for. */
    public CallTransfer transfer()
    {
        return transfer;
    }

    public void transfer(final CallTransfer transfer)
    {
        this.transfer = transfer;
    }

    /** A REFER of this call whose webhook has not answered yet; null when none. */
    public PendingRefer pendingRefer()
    {
        return pendingRefer;
    }

    public void pendingRefer(final PendingRefer refer)
    {
        this.pendingRefer = refer;
    }

    /** Attended and blonde: {@code transfer} (of another call) takes this call's dialogs over. */
    public void replacedBy(final CallTransfer transfer)
    {
        this.replacedBy = transfer;
    }

    /**
     * A transfer is under way in this call, asked for (its webhook has not answered), or about to take this call's
     * dialogs over: no other transfer may start in it or name one of its dialogs in Replaces. Two transfers over the
     * same legs would each join them into a call of their own (crossed attended transfers: each phone REFERs the
     * other's call with Replaces of its own dialog), and a leg would end up in two calls, one never released (an
     * engine fuzz finding).
     */
    public boolean inTransfer()
    {
        return transfer != null && transfer.isActive() || pendingRefer != null ||
            replacedBy != null && replacedBy.replacesDialogIn(this);
    }

    /** Blonde: the transfer that waits for this call's callee to answer (null: none); call setup hands it over. */
    public void blonde(final CallTransfer transfer)
    {
        this.blonde = transfer;
    }

    /** The caller's INVITE. */
    public ServerTransaction callerInvite()
    {
        return callerInvite;
    }

    /** The caller's offer (its body), kept while the call lives; null when the INVITE had none. */
    public StoredMessage callerOffer()
    {
        return callerOffer;
    }

    public String callerOfferType()
    {
        return callerOfferType;
    }

    /** {@code with} takes {@code replaced}'s place as the caller's or the callee's leg (a pickup). */
    public void replaceLeg(final Leg replaced, final Leg with)
    {
        if (a == replaced)
        {
            // The caller's leg changes hands: so may the trunk the call counts against.
            with.b2bua.admission().uncount(this);
            a = with;
            with.b2bua.admission().count(this);
        }
        else
        {
            b = with;
        }
    }

    /** Redirect Contacts still to try, best q first (an immutable empty list until a redirect brings some). */
    public java.util.List<String> redirectTargets()
    {
        return redirectTargets;
    }

    public void redirectTargets(final java.util.List<String> targets)
    {
        this.redirectTargets = targets;
    }

    /** The route has targets this call has not tried yet (RouteFailover). */
    public boolean hasAlternates()
    {
        return !alternates.isEmpty();
    }

    /** Redirect targets tried so far (at most redirect.max). */
    public int redirects()
    {
        return redirects;
    }

    /** One more redirect target is being tried. */
    public void redirectFollowed()
    {
        redirects++;
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
