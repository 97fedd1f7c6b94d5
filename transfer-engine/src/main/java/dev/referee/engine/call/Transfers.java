package dev.referee.engine.call;

import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.engine.id.IdGenerator;
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
 * as NOTIFY (message/sipfrag). This class builds the parts (one per kind and phase) and hands each event of a
 * transfer to the part that owns its phase. Engine thread only.
 */
final class Transfers
{
    private final B2bua b2bua;
    private final EngineTimers timers;
    private final ReferNotifier notifier;
    private final TransferFailure failure;
    private final TransferJoin join;
    private final BlindTransfer blind;
    private final AttendedTransfer attended;
    private final ReferAcceptance acceptance;

    Transfers(final B2bua b2bua, final EngineConfig config, final TransactionLayer transactions,
        final LegMessages messages, final EngineTimers timers, final IdGenerator ids, final EngineEvents events,
        final Router router, final WebhookRequests webhooks)
    {
        this.b2bua = b2bua;
        this.timers = timers;
        this.notifier = new ReferNotifier(transactions, messages);
        final TargetDialer dialer = new TargetDialer(b2bua, config, timers);
        this.failure = new TransferFailure(b2bua, config, timers, ids, events, notifier, dialer);
        this.join = new TransferJoin(b2bua, config, timers, events, notifier, failure);
        this.blind = new BlindTransfer(b2bua, timers, ids, events, router, notifier, dialer, join, failure);
        this.attended = new AttendedTransfer(b2bua, timers, events, notifier, join, failure);
        this.acceptance = new ReferAcceptance(
            this, b2bua, config, transactions, timers, events, webhooks, notifier, blind, attended, failure);
    }

    Transitions transitions()
    {
        return b2bua.transitions();
    }

    /** REFERs and their webhooks, for snapshots (CallSnapshots only). */
    ReferAcceptance acceptance()
    {
        return acceptance;
    }

    /** A REFER in {@code transferor}'s dialog; false when the trunk relays it (see {@link ReferAcceptance}). */
    boolean onRefer(final Leg transferor, final SipMessage refer, final ServerTransaction st,
        final InetSocketAddress source)
    {
        return acceptance.onRefer(transferor, refer, st, source);
    }

    /** The webhook answered request {@code requestId}. */
    void onWebhookAnswer(final long requestId, final boolean accept, final CharSequence target)
    {
        acceptance.onWebhookAnswer(requestId, accept, target);
    }

    /** A response to a request a transfer sent (TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE). */
    void onResponse(final ClientTransaction ct, final SipMessage response)
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
    void onTimeout(final ClientTransaction ct)
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
    void onNotifyDone(final ClientTransaction ct)
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

    /** The transferor hung up (BYE). Returns true when the transfer took care of it (the transferee stays). */
    boolean onTransferorBye(final Transfer transfer)
    {
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
    void onTransfereeGone(final Transfer transfer)
    {
        failure.onTransfereeGone(transfer);
    }

    void onBlondeAnswered(final Transfer transfer)
    {
        attended.onBlondeAnswered(transfer);
    }

    void onBlondeFailed(final Transfer transfer, final int status, final String reason)
    {
        attended.onBlondeFailed(transfer, status, reason);
    }

    void onBlondeRinging(final Transfer transfer, final int status, final String reason)
    {
        attended.onBlondeRinging(transfer, status, reason);
    }
}
