package dev.referee.engine.transfer;

import dev.referee.engine.call.CallTransfer;
import dev.referee.engine.call.ClientPurpose;
import dev.referee.engine.call.Leg;
import dev.referee.engine.call.LegMessages;
import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.TransactionLayer;
import dev.referee.sip.SipLimits;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.SipMethod;
import dev.referee.sip.SipStatus;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Reports a transfer's progress to the transferor (RFC 3515 §2.4.4): NOTIFY with Event: refer and a
 * message/sipfrag body holding the status line of the target's latest response.
 */
final class ReferNotifier
{
    static final String SIPFRAG = "message/sipfrag;version=2.0";
    /**
     * Longest reason phrase reported: it is the target's own text, and the sipfrag ("SIP/2.0 NNN " + reason + CRLF)
     * goes into a fixed buffer. A longer one is cut here, deliberately, instead of overflowing the buffer inside the
     * engine (which threw and left the call stuck).
     */
    static final int MAX_REASON_LENGTH = 100;

    private final TransactionLayer transactions;
    private final LegMessages messages;
    private final UnsafeBuffer body = new UnsafeBuffer(new byte[128]);

    ReferNotifier(final TransactionLayer transactions, final LegMessages messages)
    {
        this.transactions = transactions;
        this.messages = messages;
    }

    /**
     * Reports {@code SIP/2.0 <status> <reason>}; a final status ends the subscription
     * ({@code terminated;reason=noresource}). Nothing is sent when the transferor asked for no subscription, has hung
     * up, or was already told this status. One NOTIFY at a time per subscription (RFC 6665 §4.2.2): while one is
     * unanswered the newest state waits, and replaces any older state still waiting.
     */
    void notify(final Transfer transfer, final int status, final String reason)
    {
        final Leg transferor = transfer.transferor;
        if (transfer.event == null || transferor.isTerminated() || transfer.lastNotified >= 200 ||
            transfer.lastNotified == status)
        {
            return;
        }
        transfer.lastNotified = status;
        if (transfer.notifyInFlight)
        {
            transfer.waitingStatus = status;
            transfer.waitingReason = reason;
            return;
        }
        send(transfer, status, reason);
    }

    /**
     * The transferor ended the subscription (SUBSCRIBE with Expires: 0): one last NOTIFY, terminated, with the state
     * last reported (RFC 6665 §4.2.1.4), then nothing more. While a NOTIFY is unanswered the last one waits for it.
     * Nothing is sent to a transferor that hung up.
     */
    void unsubscribe(final Transfer transfer)
    {
        final int shown = transfer.lastNotified == 0 ? SipStatus.TRYING : transfer.lastNotified;
        transfer.lastNotified = CallTransfer.UNSUBSCRIBED;
        if (transfer.transferor.isTerminated())
        {
            transfer.waitingStatus = 0;
            return;
        }
        if (transfer.notifyInFlight)
        {
            transfer.waitingStatus = shown;
            transfer.waitingReason = SipStatus.reasonPhrase(shown);
            return;
        }
        send(transfer, shown, SipStatus.reasonPhrase(shown));
    }

    /** The previous NOTIFY was answered (or timed out): send the state that waited, if any. */
    void onNotifyDone(final Transfer transfer)
    {
        transfer.notifyInFlight = false;
        if (transfer.waitingStatus != 0 && !transfer.transferor.isTerminated())
        {
            final int status = transfer.waitingStatus;
            transfer.waitingStatus = 0;
            send(transfer, status, transfer.waitingReason);
        }
    }

    private void send(final Transfer transfer, final int status, final String reason)
    {
        final Leg transferor = transfer.transferor;
        transfer.notifyInFlight = true;
        final long clientId = transactions.clients().reserveClientId();
        final String branch = transactions.clients().branch(clientId);
        final SipMessageWriter writer = messages.startRequest(
            transferor, "NOTIFY", transferor.nextLocalCSeq(), branch, SipLimits.MAX_FORWARDS);
        writer.header("Contact", messages.contact(transferor.transport(), transferor.flow()));
        writer.header("Event", transfer.event);
        // Ended by the subscriber: as if it expired now (RFC 6665 §4.1.3, "timeout"); ended by the outcome: noresource.
        writer.header("Subscription-State", transfer.lastNotified == CallTransfer.UNSUBSCRIBED ?
            "terminated;reason=timeout" : status >= 200 ? "terminated;reason=noresource" :
            "active;expires=" + ReferSubscriptions.EXPIRES_SECONDS);
        final String shown = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
        final byte[] fragment = ("SIP/2.0 " + status + ' ' + shown + "\r\n").getBytes(StandardCharsets.US_ASCII);
        body.putBytes(0, fragment);
        writer.endWithBody(SIPFRAG, body, 0, fragment.length);
        final ClientTransaction ct = transactions.clients().sendRequest(clientId, branch, SipMethod.NOTIFY, "NOTIFY",
            transferor.transport(), transferor.flow(), transferor.connectionId());
        ct.use(ClientPurpose.NOTIFY, transfer);
    }
}
