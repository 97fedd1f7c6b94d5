package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.CallTransfer;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.EndCause;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.TransferListener;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.state.Transitions;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.SipMessage;

import java.net.InetSocketAddress;

/**
 * Transfers performed in the network: Referee terminates the REFER (RFC 3515), calls the target with an INVITE
 * without offer, and when the target answers with an offer re-INVITEs the transferee with it (RFC 3725 flow: the
 * transferee answers, both sides are acknowledged), then releases the transferor. Progress goes to the transferor
 * as NOTIFY (message/sipfrag). This class builds the parts (one per kind and phase, and {@link Pickups} and
 * {@link Redirects}) and hands each event the B2BUA passes on (as {@link TransferListener}) to the part that owns its
 * phase. Engine thread only.
 */
public final class Transfers implements TransferListener
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final ReferNotifier notifier;
    private final ReferSubscriptions subscriptions;
    private final TransferFailure failure;
    private final TransferJoin join;
    private final BlindTransfer blind;
    private final AttendedTransfer attended;
    private final ReferAcceptance acceptance;
    private final Pickups pickups;
    private final Redirects redirects;

    /** Builds the transfer package's parts on {@code b2bua}'s dialog toolkit; the engine then attaches them to it. */
    public Transfers(final B2bua b2bua, final TransactionLayer transactions,
        final EngineTimers timers, final EngineEvents events, final WebhookRequests webhooks)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.notifier = new ReferNotifier(transactions, b2bua.messages());
        this.subscriptions = new ReferSubscriptions(b2bua, notifier);
        final TargetDialer dialer = new TargetDialer(b2bua, timers);
        this.failure = new TransferFailure(b2bua, timers, events, notifier, dialer);
        this.join = new TransferJoin(b2bua, timers, events, notifier, failure);
        this.blind = new BlindTransfer(b2bua, timers, events, notifier, dialer, join, failure);
        this.attended = new AttendedTransfer(b2bua, timers, events, notifier, join, failure);
        this.acceptance = new ReferAcceptance(
            this, b2bua, transactions, timers, events, webhooks, notifier, blind, attended, failure);
        this.pickups = new Pickups(b2bua, transactions, timers, events);
        this.redirects = new Redirects(b2bua);
    }

    /** Pickups and takeovers (INVITE with Replaces), for the B2BUA. */
    public Pickups pickups()
    {
        return pickups;
    }

    /** Following 3xx, for the B2BUA. */
    public Redirects redirects()
    {
        return redirects;
    }

    Transitions transitions()
    {
        return b2bua.transitions();
    }

    /** REFERs and their webhooks, for snapshots (TransferSnapshots only). */
    ReferAcceptance acceptance()
    {
        return acceptance;
    }

    /** A REFER in {@code transferor}'s dialog; false when the trunk relays it (see {@link ReferAcceptance}). */
    @Override
    public boolean onRefer(final Leg transferor, final SipMessage refer, final ServerTransaction st,
        final InetSocketAddress source)
    {
        return acceptance.onRefer(transferor, refer, st, source);
    }

    @Override
    public boolean onSubscribe(final Leg subscriber, final SipMessage subscribe, final ServerTransaction st)
    {
        return subscriptions.onSubscribe(subscriber, subscribe, st);
    }

    /**
     * A SUBSCRIBE whose dialog Referee no longer holds (the transferor hung up and the transfer's call has ended since).
     * Returns true when it ends a REFER's subscription (Event: refer, Expires: 0) and has been answered 200: that
     * subscription is over, and a phone unsubscribing after its BYE (RFC 5057) expects 200, not 481.
     */
    public boolean onUnsubscribeOfAnEndedDialog(final SipMessage subscribe, final ServerTransaction st)
    {
        return subscriptions.onUnsubscribeOfAnEndedDialog(subscribe, st);
    }

    /** The webhook answered request {@code requestId}. */
    @Override
    public void onWebhookAnswer(final long requestId, final boolean accept, final CharSequence target)
    {
        acceptance.onWebhookAnswer(requestId, accept, target);
    }

    /** A response to a request a transfer sent (TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE). */
    @Override
    public void onResponse(final ClientTransaction ct, final SipMessage response)
    {
        final Transfer transfer = (Transfer)ct.context();
        final ClientPurpose purpose = ClientPurpose.of(ct);
        switch (purpose)
        {
            case TARGET_INVITE -> blind.onTargetResponse(transfer, ct, response);
            case JOIN_REINVITE -> join.onJoinResponse(transfer, response);
            case OFFER_REINVITE -> attended.onOfferResponse(transfer, response);
            default -> transfer.unexpected("response to a request for " + purpose, timers.nowNs());
        }
    }

    /** Timer B of a request a transfer sent (TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE). */
    @Override
    public void onTimeout(final ClientTransaction ct)
    {
        final Transfer transfer = (Transfer)ct.context();
        final ClientPurpose purpose = ClientPurpose.of(ct);
        switch (purpose)
        {
            case TARGET_INVITE -> blind.onTargetTimeout(transfer, ct);
            case JOIN_REINVITE -> join.onJoinTimeout(transfer);
            case OFFER_REINVITE -> attended.onOfferTimeout(transfer);
            default -> transfer.unexpected("timeout of a request for " + purpose, timers.nowNs());
        }
    }

    /** A NOTIFY of {@code transfer} got its final response or timed out. */
    @Override
    public void onNotifyDone(final ClientTransaction ct)
    {
        notifier.onNotifyDone((Transfer)ct.context());
    }

    void onTimer(final Transfer transfer, final long timerId)
    {
        if (timerId == transfer.ringTimer)
        {
            transfer.ringTimer = EngineTimers.NO_TIMER;
            failure.onRingTimeout(transfer);
        }
        else if (timerId == transfer.glareTimer)
        {
            transfer.glareTimer = EngineTimers.NO_TIMER;
            join.retryAfterGlare(transfer);
        }
        else if (timerId == transfer.transferorByeTimer)
        {
            // transfer.transferor-bye-timeout: the transferor did not hang up after a completed transfer.
            transfer.transferorByeTimer = EngineTimers.NO_TIMER;
            if (!transfer.transferor.isTerminated())
            {
                b2bua.hangUp(transfer.transferor, transfer.call, EndCause.TRANSFERRED);
            }
        }
    }

    /** The transfer left JOINING: the target's offer kept for a retry goes back, a retry waiting is called off. */
    void joinEnded(final Transfer transfer)
    {
        join.forgetOffer(transfer);
    }

    /** The transferor hung up (BYE). Returns true when the transfer took care of it (the transferee stays). */
    @Override
    public boolean onTransferorBye(final CallTransfer called)
    {
        final Transfer transfer = (Transfer)called;
        if (transfer.isActive())
        {
            return true; // many desk phones hang up right after the 202: the transferee waits for the target
        }
        if (transfer.state() == Transfer.State.COMPLETED)
        {
            transfer.transferorByeTimer = timers.cancel(transfer.transferorByeTimer);
            b2bua.release(transfer.call, EndCause.TRANSFERRED, 0);
            return true;
        }
        return false;
    }

    /** The transferee hung up while the transfer was under way: the target is no longer wanted. */
    @Override
    public void onTransfereeGone(final CallTransfer transfer)
    {
        failure.onTransfereeGone((Transfer)transfer);
    }

    @Override
    public void onCallEnded(final CallTransfer transfer)
    {
        failure.onCallEnded((Transfer)transfer);
    }

    @Override
    public void onTargetGone(final CallTransfer transfer)
    {
        failure.onTargetGone((Transfer)transfer);
    }

    @Override
    public void onBlondeAnswered(final CallTransfer transfer)
    {
        attended.onBlondeAnswered((Transfer)transfer);
    }

    @Override
    public void onBlondeFailed(final CallTransfer transfer, final int status, final String reason)
    {
        attended.onBlondeFailed((Transfer)transfer, status, reason);
    }

    @Override
    public void onBlondeRinging(final CallTransfer transfer, final int status, final String reason)
    {
        attended.onBlondeRinging((Transfer)transfer, status, reason);
    }
}
