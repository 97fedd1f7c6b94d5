package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.InviteHeaders;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.OfferAnswer;
import dev.referee.engine.config.Route;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;
import dev.referee.sip.SipUri;

/**
 * Blind transfer (RFC 5589 §6): Referee calls the Refer-To target with an INVITE without offer (Referred-By on it,
 * RFC 3892) and, when the target answers with an offer, joins the transferee to it. The target's ringing goes to the
 * transferor as NOTIFY. The same answers come from a recalled transferor. Engine thread only.
 */
final class BlindTransfer
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final EngineEvents events;
    private final ReferNotifier notifier;
    private final TargetDialer dialer;
    private final TransferJoin join;
    private final TransferFailure failure;

    BlindTransfer(final B2bua b2bua, final EngineTimers timers, final EngineEvents events,
        final ReferNotifier notifier, final TargetDialer dialer, final TransferJoin join,
        final TransferFailure failure)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.events = events;
        this.notifier = notifier;
        this.dialer = dialer;
        this.join = join;
        this.failure = failure;
    }

    /**
     * Calls {@code target} on a new leg of the transferor's call, as the transferee (its identity in From);
     * {@code replaces}, when not null, names a dialog Referee does not hold and goes on to the target.
     */
    void callTarget(final Transfer transfer, final SipUri target, final String targetUri, final String referredBy,
        final String replaces)
    {
        final Route route = b2bua.router().route(target.user());
        if (route == null)
        {
            failure.targetFailed(transfer, SipStatus.NOT_FOUND, SipStatus.reasonPhrase(SipStatus.NOT_FOUND), "no route to the transfer target");
            return;
        }
        // From: the transferee's identity, as the target will see it.
        final Leg leg = b2bua.calls().newTargetLeg(
            transfer.call, transfer.transferee.remoteUri(), "<" + targetUri + ">", target.user(), route);
        LegsAdded.report(b2bua, events, timers.nowNs(), transfer.call, leg, "target");
        dialer.dial(transfer, leg, new InviteHeaders(referredBy, replaces));
    }

    void onTargetResponse(final Transfer transfer, final ClientTransaction ct, final SipMessage response)
    {
        final Leg leg = transfer.target;
        final int status = response.statusCode();
        if (leg == null || leg.clientInvite() != ct)
        {
            // An INVITE given up already (after a provisional: CANCEL sent): only stragglers get here.
            transfer.unexpected("answer " + status + " to a target INVITE given up", timers.nowNs());
            return;
        }
        leg.connectionId(ct.connectionId());
        if (status < 200)
        {
            b2bua.learnDialog(leg, response, false);
            if (status > 100 && transfer.state() == Transfer.State.CALLING_TARGET)
            {
                events.onTransferTargetRinging(timers.nowNs(), transfer.call.id(), transfer.id, status);
                notifier.notify(transfer, status, response.reasonPhrase().toString());
            }
            if (status > 100 && transfer.targetOffered)
            {
                b2bua.callMedia().earlyMedia(leg, transfer.transferee, response); // its answer: heard at once
            }
            return;
        }
        leg.clientInvite(null);
        transfer.ringTimer = timers.cancel(transfer.ringTimer);
        if (status == SipStatus.NOT_ACCEPTABLE_HERE && transfer.targetOffered)
        {
            callAgainWithoutOffer(transfer, leg);
            return;
        }
        if (status >= 300)
        {
            b2bua.dropLeg(leg);
            failure.targetFailed(transfer, status, response.reasonPhrase().toString(),
                "the target answered " + status);
            return;
        }
        b2bua.learnDialog(leg, response, true);
        leg.received(OfferAnswer.Carrier.SUCCESS, response.bodyLength() > 0, timers.nowNs());
        leg.state(Leg.State.CONFIRMED, timers.nowNs(), "target answered");
        b2bua.sessionAnswered(leg, response);
        leg.ackPendingCSeq(response.cseqNumber());
        if (response.bodyLength() == 0)
        {
            b2bua.messages().sendAck(leg, null);
            b2bua.hangUp(leg, null, null);
            failure.targetFailed(transfer, SipStatus.NOT_ACCEPTABLE_HERE, SipStatus.reasonPhrase(SipStatus.NOT_ACCEPTABLE_HERE), "the target answered without an offer");
            return;
        }
        if (transfer.targetOffered)
        {
            // Its answer completed the offer/answer of the INVITE: the ACK goes at once and without body.
            b2bua.messages().sendAck(leg, null);
            join.offerToTransferee(transfer, response, "the target answered the transferee's offer");
            return;
        }
        // The target's offer goes to the transferee in a re-INVITE; its answer will go back in the target's ACK.
        join.offerToTransferee(transfer, response, "the target answered with an offer");
    }

    /**
     * The target refused the transferee's media as offered (488, RFC 3261 §21.4.26): it is called again, a new
     * dialog, without offer, as before node-start version 9, so that it offers what it can take.
     */
    private void callAgainWithoutOffer(final Transfer transfer, final Leg refused)
    {
        b2bua.dropLeg(refused);
        // An early link to the refused leg goes with it; a ringback playing goes on (the target is called again).
        b2bua.callMedia().endEarlyMedia(transfer.transferee);
        final Leg leg = b2bua.calls().newLegToward(transfer.call, transfer.transferee.remoteUri(), refused);
        LegsAdded.report(b2bua, events, timers.nowNs(), transfer.call, leg,
            transfer.state() == Transfer.State.RECALLING ? "recall" : "target");
        dialer.dial(transfer, leg, transfer.targetHeaders, false);
    }

    /** Timer B of the target's INVITE (only the INVITE still awaited counts; one given up is forgotten). */
    void onTargetTimeout(final Transfer transfer, final ClientTransaction ct)
    {
        if (transfer.target != null && transfer.target.clientInvite() == ct)
        {
            failure.abandonTarget(transfer);
            failure.targetFailed(transfer, SipStatus.REQUEST_TIMEOUT, SipStatus.reasonPhrase(SipStatus.REQUEST_TIMEOUT), "the target did not answer");
        }
    }
}
