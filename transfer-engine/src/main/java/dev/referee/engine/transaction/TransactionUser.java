package dev.referee.engine.transaction;

import dev.referee.sip.SipMessage;

/** The layer above transactions (RFC 3261 §17: the "TU"): here, the B2BUA. */
public interface TransactionUser
{
    /**
     * A response for a client transaction: every provisional, the first final non-2xx (the transaction has sent
     * its ACK), and the first 2xx (for INVITE the transaction then only passes later 2xx on,
     * {@link #onAcceptedResponse}, and the TU owns ACK and retransmissions).
     */
    void onResponse(ClientTransaction transaction, SipMessage response, long nowNs);

    /**
     * A 2xx for an INVITE client transaction in the Accepted state (RFC 6026 §7.2): the first 2xx sent again, or the
     * answer of another fork (another To tag). The transaction has let go of the TU's context by then: the dialog
     * layer finds what the 2xx is for by its tags.
     */
    default void onAcceptedResponse(final SipMessage response, final long nowNs)
    {
    }

    /** Timer B or F fired: no final response came (RFC 3261 §17.1.1.2, §17.1.2.2); act as for a 408. */
    void onTimeout(ClientTransaction transaction, long nowNs);

    /** The purpose whose {@link ClientTransaction.Purpose#code()} is {@code code} (restoring a snapshot). */
    ClientTransaction.Purpose purposeOf(int code);

    /** Timer H fired: a non-2xx final response to an INVITE was never acknowledged. */
    default void onAckTimeout(final ServerTransaction transaction, final long nowNs)
    {
    }
}
