package dev.referee.engine.call;

import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.message.Outbox;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipStatus;

/**
 * A call or a leg leaving the engine, whatever ended it: a call released (its trunk count, its transfer under way,
 * its media, the call-ended event, its legs) and a leg dropped (what it still has under way given up or answered,
 * its timers stopped, out of the map: messages for it get 481); and the calls nobody is left in, released at the end
 * of an input ({@link AbandonedCalls}). Engine thread only.
 */
final class CallRelease
{
    private final B2bua b2bua;
    private final CallRegistry calls;
    private final LegMessages messages;
    private final SessionTimers sessions;
    private final CallMedia callMedia;
    private final Invite2xxRetransmission retransmission;
    private final AbandonedInvites abandonedInvites;
    private final Outbox outbox;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final AbandonedCalls abandoned = new AbandonedCalls();

    CallRelease(final B2bua b2bua, final CallRegistry calls, final LegMessages messages, final SessionTimers sessions,
        final CallMedia callMedia, final Invite2xxRetransmission retransmission,
        final AbandonedInvites abandonedInvites, final Outbox outbox, final EngineTimers timers,
        final EngineEvents events)
    {
        this.b2bua = b2bua;
        this.calls = calls;
        this.messages = messages;
        this.sessions = sessions;
        this.callMedia = callMedia;
        this.retransmission = retransmission;
        this.abandonedInvites = abandonedInvites;
        this.outbox = outbox;
        this.timers = timers;
        this.events = events;
    }

    /** See {@link B2bua#release}. */
    void release(final Call call, final EndCause cause, final int status)
    {
        if (call.state() == Call.State.ENDED)
        {
            return;
        }
        if (call.transfer != null && call.transfer.isActive() && b2bua.config().endsCallsNobodyIsLeftIn())
        {
            // A transfer under way ends with its call: nothing it does later may go on into an ended call (the engine
            // fuzz findings of a target joined, or a join answered, into a call already released).
            b2bua.transfers().onCallEnded(call.transfer);
        }
        final EndCause ended = cause == null ? EndCause.ENDED : cause;
        b2bua.admission().uncount(call); // whatever ends it: the trunk's count goes down exactly once
        call.state(Call.State.ENDED, timers.nowNs(), ended.wire());
        callMedia.closing(call);
        events.onCallEnded(timers.nowNs(), call.id, ended.wire(), status);
        // Only a live call sends its caller's offer again (to a redirect target, in a pickup).
        outbox.release(call.callerOffer);
        call.callerOffer = null;
        for (int i = 0; i < call.legs.size(); i++)
        {
            final Leg leg = call.legs.get(i);
            if (leg.call == call)
            {
                dropLeg(leg);
            }
        }
        calls.ended();
    }

    /** See {@link B2bua#legEnded}. */
    void legEnded(final Leg leg)
    {
        if (b2bua.config().endsCallsNobodyIsLeftIn())
        {
            abandoned.legEnded(leg.call);
        }
    }

    /** The end of an input: a call nobody is left in ends (EngineConfig.endsCallsNobodyIsLeftIn). */
    void endAbandonedCalls()
    {
        abandoned.endEach(b2bua);
    }

    /** See {@link B2bua#dropLeg}. */
    void dropLeg(final Leg leg)
    {
        final ClientTransaction invite = leg.clientInvite;
        if (invite != null && invite.finalStatus() == 0 && ClientPurpose.of(invite) == ClientPurpose.TARGET_INVITE &&
            b2bua.config().givesUpTargetInvitesOfDroppedLegs())
        {
            // A transfer target's leg dropped with its call (the call ended under the transfer): its INVITE is given
            // up, so that the target's answer is acknowledged and hung up, never taken for the transfer's (an engine
            // fuzz finding: the transfer joined a target into a call already ended, and that call was never released).
            leg.clientInvite = null;
            if (invite.provisionalSeen())
            {
                messages.sendCancel(invite);
                abandonedInvites.cancelled(invite, leg);
            }
            else
            {
                abandonedInvites.cancelWhenProvisional(invite, leg);
            }
        }
        final ServerTransaction pending = leg.serverInvite;
        if (pending != null && !pending.isFinal() && b2bua.config().answersPendingInvitesOfDroppedLegs())
        {
            // RFC 3261 §15.1.2: a request pending in a dialog that ends is answered, 487. Before, a pickup's INVITE
            // stayed unanswered when the call it took over ended first (an engine fuzz finding: a transaction held
            // for good).
            leg.serverInvite = null;
            messages.respond(pending, SipStatus.REQUEST_TERMINATED, null, null);
        }
        retransmission.stop(leg);
        sessions.stop(leg);
        leg.state(Leg.State.TERMINATED, timers.nowNs(), "dropped");
        calls.remove(leg);
        // Only a leg in the map resends its ACK for a retransmitted 2xx (onStrayResponse): the copy can go back.
        outbox.release(leg.lastAck);
        leg.lastAck = null;
    }
}
