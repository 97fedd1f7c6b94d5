package dev.referee.engine.call;

import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipMessage;

import java.net.InetSocketAddress;

/**
 * Where call setup hands an INVITE with Replaces (RFC 3891: a pickup or takeover of a leg Referee holds), and the
 * B2BUA the answer to its takeover re-INVITE. The transfer package implements it. Engine thread only.
 */
public interface PickupListener
{
    /** An out-of-dialog INVITE carrying Replaces; the server transaction exists, nothing was answered yet. */
    void onInviteWithReplaces(SipMessage request, ServerTransaction st, int transport, InetSocketAddress source,
        long connectionId);

    /** A response to a takeover re-INVITE ({@link ClientPurpose#PICKUP_REINVITE}). */
    void onTakeoverResponse(ClientTransaction ct, SipMessage response);

    /** Timer B of the takeover re-INVITE: the picked-up call's peer never answered {@code picker}'s takeover. */
    void onTakeoverTimeout(Leg picker);

    /** The picker CANCELled its takeover INVITE (answered 487 already): the takeover ends, the call with it. */
    void onTakeoverCancelled(Leg picker);
}
