package dev.referee.engine.transfer;

import dev.referee.engine.call.Call;
import dev.referee.engine.call.CallTransfer;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;

import dev.referee.engine.snapshot.SnapshotKinds;
import dev.referee.engine.snapshot.SnapshotObject;
import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.time.TimerOwner;

/**
 * One transfer Referee performs for a REFER it terminated (RFC 3515, RFC 5589 §6.1 blind): the transferor's REFER was
 * accepted, the target is called, and the transferee is joined to it. Engine thread only.
 * <pre>
 * CALLING_TARGET --2xx with offer--> JOINING --transferee's 2xx--> COMPLETED
 * CALLING_TARGET --failure / ring timeout--> FAILED (or RECALLING when the transferor is gone and on-failure is recall)
 * RECALLING --2xx--> JOINING (to the transferor) ; --failure--> FAILED
 * </pre>
 */
final class Transfer extends SnapshotObject implements TimerOwner, CallTransfer
{
    enum State
    {
        /** INVITE (without offer) sent to the target; waiting for its answer. */
        CALLING_TARGET,
        /** Attended: the target's dialog is re-INVITEd without offer, to get one. Blonde: waiting for it to answer. */
        SOLICITING,
        /** The target answered with an offer; the transferee is being re-INVITEd with it. */
        JOINING,
        /** The transferor hung up and the target failed: calling the transferor back. */
        RECALLING,
        /** The transferee and the target (or the recalled transferor) talk. */
        COMPLETED,
        /** The target failed; the transferee stays with the transferor, or is hung up. */
        FAILED;

        private java.util.EnumSet<State> next;

        static
        {
            // Attended and blonde transfers leave CALLING_TARGET at once: the target's dialog exists already.
            CALLING_TARGET.next = java.util.EnumSet.of(SOLICITING, JOINING, FAILED);
            SOLICITING.next = java.util.EnumSet.of(JOINING, FAILED);
            JOINING.next = java.util.EnumSet.of(COMPLETED, FAILED);
            // Recall: the target failed (FAILED) and the transferor, gone, is called back.
            FAILED.next = java.util.EnumSet.of(RECALLING);
            RECALLING.next = java.util.EnumSet.of(JOINING, FAILED);
            COMPLETED.next = java.util.EnumSet.noneOf(State.class);
        }

        boolean canMoveTo(final State state)
        {
            return next.contains(state);
        }
    }

    final long id;
    final Transfers owner;
    final Call call;
    final Leg transferor;
    final Leg transferee;
    TransferKind kind;
    /** The NOTIFY subscription on the transferor's leg; null when Refer-Sub: false. */
    final String event;
    final String referTo;
    private State state = State.CALLING_TARGET;
    /** The leg being called: the target, or the transferor when recalled; attended: the target's existing leg. */
    Leg target;
    /** Attended and blonde: the transferor's leg toward the target, replaced by the transfer. */
    Leg consultation;
    int lastNotified;
    /** A NOTIFY is unanswered; {@link #waitingStatus} (0: none) goes when it is. */
    boolean notifyInFlight;
    int waitingStatus;
    String waitingReason;
    long ringTimer = EngineTimers.NO_TIMER;
    long transferorByeTimer = EngineTimers.NO_TIMER;
    /** The target's offer while the transferee's join re-INVITE may have to go again (a 491): its body and type. */
    StoredMessage joinOffer;
    String joinOfferType;
    /** The join re-INVITE waits RFC 3261 §14.1's delay after a 491 (behaviour 5 on); how many times it did so. */
    long glareTimer = EngineTimers.NO_TIMER;
    int glareRetries;
    /**
     * The transferor was called back already (transfer.on-failure: recall): if that call fails too, even after it
     * answered, the transfer ends there; it is never recalled twice (EngineConfig.recallsOnce).
     */
    boolean recalled;
    /**
     * The INVITE to the target (or the recalled transferor) offered the transferee's media (node-start version 9,
     * media anchored): its 183 and 2xx SDP are answers, its 2xx is ACKed at once without body, and a 488 calls it
     * again without offer.
     */
    boolean targetOffered;
    /** The headers of the INVITE to the target (Referred-By, Replaces): the same go again if it is called again. */
    InviteHeaders targetHeaders = InviteHeaders.NONE;

    Transfer(final long id, final Transfers owner, final Call call, final Leg transferor, final Leg transferee,
        final TransferKind kind, final String event, final String referTo)
    {
        this.id = id;
        this.owner = owner;
        this.call = call;
        this.transferor = transferor;
        this.transferee = transferee;
        this.kind = kind;
        this.event = event;
        this.referTo = referTo;
    }

    @Override
    public State state()
    {
        return state;
    }

    /** The transfer's one transition: reported, or refused (and reported) when the machine does not allow it. */
    void state(final State next, final long nowNs, final String reason)
    {
        if (next == state)
        {
            return;
        }
        final Transitions transitions = owner.transitions();
        if (!state.canMoveTo(next))
        {
            transitions.refused(StateMachine.TRANSFER, id, call.id(), state, next, reason, nowNs);
            return;
        }
        final State from = state;
        state = next;
        if (from == State.JOINING)
        {
            owner.joinEnded(this); // the offer kept for a retry of the join is not needed any more
        }
        transitions.moved(StateMachine.TRANSFER, id, call.id(), from, next, reason, nowNs);
    }

    /** An event this transfer's state does not expect (a straggling answer): reported, never dropped silently. */
    void unexpected(final String event, final long nowNs)
    {
        owner.transitions().unexpected(StateMachine.TRANSFER, id, call.id(), state, event, nowNs);
    }

    /** A snapshot's transfer: its state as recorded (TransferSnapshots only). */
    void restoreState(final State state)
    {
        this.state = state;
    }

    @Override
    public boolean isActive()
    {
        return state == State.CALLING_TARGET || state == State.SOLICITING || state == State.JOINING ||
            state == State.RECALLING;
    }

    @Override
    public Leg transferor()
    {
        return transferor;
    }

    @Override
    public Leg transferee()
    {
        return transferee;
    }

    @Override
    public long id()
    {
        return id;
    }

    @Override
    public String kindName()
    {
        return kind.wire();
    }

    @Override
    public boolean replacesDialogIn(final Call call)
    {
        return isActive() && consultation != null && consultation.call() == call;
    }

    @Override
    public Leg target()
    {
        return target;
    }

    @Override
    public int lastNotified()
    {
        return lastNotified;
    }

    @Override
    public void onTimer(final long timerId, final long nowNs)
    {
        owner.onTimer(this, timerId);
    }

    @Override
    public String toString()
    {
        return "Transfer{" + id + " " + kind + " " + state + "}";
    }

    @Override
    public int snapshotKind()
    {
        return SnapshotKinds.TRANSFER;
    }
}
