package dev.referee.engine.call;

import dev.referee.engine.transaction.ClientTransaction;
import dev.referee.engine.transaction.ServerTransaction;
import dev.referee.sip.SipMessage;

import java.net.InetSocketAddress;

/**
 * Where the B2BUA hands what concerns a transfer it does not perform itself (the transfer package implements it; the
 * engine wires it in). Engine thread only.
 */
public interface TransferListener
{
    /**
     * A REFER in {@code transferor}'s dialog (not yet answered). Returns false when the trunk relays REFERs: the
     * B2BUA then passes it to the other leg like any other request.
     */
    boolean onRefer(Leg transferor, SipMessage refer, ServerTransaction st, InetSocketAddress source);

    /**
     * A SUBSCRIBE in {@code subscriber}'s dialog. Returns true when it is for the implicit subscription of a REFER
     * Referee performs (Event: refer, RFC 3515 §2.4.4) and has been answered; false for any other, which the B2BUA
     * relays like any other request.
     */
    boolean onSubscribe(Leg subscriber, SipMessage subscribe, ServerTransaction st);

    /** A transfer webhook answered request {@code requestId}; {@code target}, when not empty, replaces Refer-To. */
    void onWebhookAnswer(long requestId, boolean accept, CharSequence target);

    /** A response to a request a transfer sent ({@link ClientPurpose#TARGET_INVITE}, JOIN_ and OFFER_REINVITE). */
    void onResponse(ClientTransaction ct, SipMessage response);

    /** Timer B of a request a transfer sent (the purposes of {@link #onResponse}). */
    void onTimeout(ClientTransaction ct);

    /** A NOTIFY of a transfer ({@link ClientPurpose#NOTIFY}) got its final response or timed out. */
    void onNotifyDone(ClientTransaction ct);

    /** The transferor hung up (BYE). Returns true when the transfer took care of it (the transferee stays). */
    boolean onTransferorBye(CallTransfer transfer);

    /** The transferee hung up while the transfer was under way. */
    void onTransfereeGone(CallTransfer transfer);

    /**
     * The leg the transfer calls or joins (its target, or the transferor called back) sent BYE before the transfer
     * completed: the transfer fails; the call it belongs to goes on (only that leg ended).
     */
    void onTargetGone(CallTransfer transfer);

    /** Blonde: the callee a transfer waits for (the target) answered; call setup acknowledged it. */
    void onBlondeAnswered(CallTransfer transfer);

    /** Blonde: the target refused with {@code status}; its call ends as usual. */
    void onBlondeFailed(CallTransfer transfer, int status, String reason);

    /** Blonde: the target rings. */
    void onBlondeRinging(CallTransfer transfer, int status, String reason);

    /** {@code transfer}'s call is being released while the transfer is under way: the transfer ends with it. */
    void onCallEnded(CallTransfer transfer);
}
