package dev.referee.engine.transfer;

import dev.referee.engine.call.B2bua;
import dev.referee.engine.call.CallTransfer;
import dev.referee.engine.call.Leg;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;

/**
 * The transferor's side of the implicit subscription a REFER creates (RFC 3515 §2.4.4, RFC 6665): Referee performs
 * the transfer, so Referee is the notifier and answers the transferor's SUBSCRIBEs for it itself. A refresh gets 200
 * with the subscription's expiry; Expires: 0 ends it (200, then a final NOTIFY, RFC 6665 §4.2.1.4) and no progress
 * is reported after. The subscription outlives the transferor's BYE (RFC 5057 §5.2): an unsubscribe sent after it
 * gets 200 (no NOTIFY: the dialog is gone from Referee's side), never 481. Engine thread only.
 */
final class ReferSubscriptions
{
    /** The expiry Referee grants (its NOTIFYs say active;expires=60), whatever a refresh asks for. */
    static final int EXPIRES_SECONDS = 60;

    private final B2bua b2bua;
    private final ReferNotifier notifier;
    private final AsciiView view = new AsciiView();

    ReferSubscriptions(final B2bua b2bua, final ReferNotifier notifier)
    {
        this.b2bua = b2bua;
        this.notifier = notifier;
    }

    /** See {@link dev.referee.engine.call.TransferListener#onSubscribe}. */
    boolean onSubscribe(final Leg subscriber, final SipMessage subscribe, final ServerTransaction st)
    {
        if (!isReferEvent(subscribe))
        {
            return false;
        }
        final boolean unsubscribe = isUnsubscribe(subscribe);
        final CallTransfer current = subscriber.call() == null ? null : subscriber.call().transfer();
        final Transfer transfer = current instanceof Transfer t && t.transferor == subscriber ? t : null;
        if (transfer == null || transfer.event == null || transfer.lastNotified >= 200)
        {
            // No subscription of this dialog is running (none was made, or its final NOTIFY went): ending it again is
            // harmless and answered as done; refreshing it is not possible.
            if (unsubscribe && subscriber.refersReceived() > 0)
            {
                b2bua.messages().respond(st, SipStatus.OK, "Expires", "0");
            }
            else
            {
                b2bua.messages().respond(st, SipStatus.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null, null);
            }
            return true;
        }
        if (!unsubscribe)
        {
            b2bua.messages().respond(st, SipStatus.OK, "Expires", String.valueOf(EXPIRES_SECONDS));
            return true;
        }
        b2bua.messages().respond(st, SipStatus.OK, "Expires", "0");
        notifier.unsubscribe(transfer);
        return true;
    }

    /** See {@link Transfers#onUnsubscribeOfAnEndedDialog}. */
    boolean onUnsubscribeOfAnEndedDialog(final SipMessage subscribe, final ServerTransaction st)
    {
        if (!isReferEvent(subscribe) || !isUnsubscribe(subscribe))
        {
            return false;
        }
        st.localTag = subscribe.to().tag().toString(); // the dialog's tag, as the subscriber knows it
        b2bua.messages().respond(st, SipStatus.OK, "Expires", "0");
        return true;
    }

    /** Expires: 0 (RFC 6665 §4.1.2.3): the subscriber ends the subscription. */
    private boolean isUnsubscribe(final SipMessage subscribe)
    {
        return subscribe.header(HeaderName.EXPIRES, view) && view.toString().trim().equals("0");
    }

    /** Event: "refer" or "refer;id=..." (RFC 3515 §2.4.6), any case. */
    private boolean isReferEvent(final SipMessage subscribe)
    {
        if (!subscribe.header(HeaderName.EVENT, view))
        {
            return false;
        }
        final String value = view.toString().trim();
        final int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().equalsIgnoreCase("refer");
    }
}
