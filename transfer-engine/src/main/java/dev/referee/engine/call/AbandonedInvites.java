package dev.referee.engine.call;

import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.sip.SipMessage;

/**
 * INVITEs Referee sent and then gave up (a failed transfer's to its target, a ringing leg's that a pickup took over,
 * a target's dropped with its call): CANCELled as soon as a provisional allows it (RFC 3261 §9.1), and a 2xx that
 * crosses the CANCEL acknowledged and ended with BYE (§15), on the dialog it made. Their client transactions move to
 * {@link ClientPurpose#ABANDONED_INVITE} or {@link ClientPurpose#CANCELLED_INVITE}, so that no answer is taken for
 * what the INVITE was sent for. Engine thread only.
 */
final class AbandonedInvites
{
    private final B2bua b2bua;
    private final LegMessages messages;
    private final DialogLearning dialogs;
    private final EngineTimers timers;

    AbandonedInvites(final B2bua b2bua, final LegMessages messages, final DialogLearning dialogs,
        final EngineTimers timers)
    {
        this.b2bua = b2bua;
        this.messages = messages;
        this.dialogs = dialogs;
        this.timers = timers;
    }

    /** See {@link B2bua#cancelWhenProvisional}. */
    void cancelWhenProvisional(final ClientTransaction invite, final Leg leg)
    {
        ClientPurpose.move(invite, ClientPurpose.ABANDONED_INVITE, leg, b2bua.transitions(), B2bua.callIdOf(leg),
            timers.nowNs(), "given up before a provisional");
        leg.offerFailed(timers.nowNs(), "INVITE given up");
    }

    /** See {@link B2bua#cancelled}. */
    void cancelled(final ClientTransaction invite, final Leg leg)
    {
        ClientPurpose.move(invite, ClientPurpose.CANCELLED_INVITE, leg, b2bua.transitions(), B2bua.callIdOf(leg),
            timers.nowNs(), "cancelled");
        leg.offerFailed(timers.nowNs(), "INVITE cancelled");
    }

    /** A response to a given-up INVITE: the first provisional lets its CANCEL go; a 2xx crossed the CANCEL. */
    void onResponse(final ClientTransaction ct, final SipMessage response)
    {
        final int status = response.statusCode();
        if (status < 200)
        {
            if (ClientPurpose.of(ct) == ClientPurpose.ABANDONED_INVITE)
            {
                cancelled(ct, (Leg)ct.context());
                messages.sendCancel(ct);
            }
            return;
        }
        if (status < 300)
        {
            // The 2xx crossed the CANCEL: acknowledge and hang up (RFC 3261 §15), with the dialog the 2xx made.
            final Leg leg = (Leg)ct.context();
            if (leg != null)
            {
                dialogs.learn(leg, response, true);
                leg.ackPendingCSeq = (int)response.cseqNumber();
                messages.sendAck(leg, null);
                messages.sendBye(leg, ClientPurpose.ORPHAN);
            }
        }
    }
}
