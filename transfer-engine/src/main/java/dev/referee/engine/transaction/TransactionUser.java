package dev.referee.engine.transaction;

import dev.referee.sip.SipMessage;

/** The layer above transactions (RFC 3261 §17: the "TU"): here, the B2BUA. */
public interface TransactionUser
{
    /**
     * A response for a client transaction: every provisional, the first final non-2xx (the transaction has sent
     * its ACK), and every 2xx (for INVITE the transaction is then terminated and the TU owns ACK and retransmissions).
     */
    void onResponse(ClientTransaction transaction, SipMessage response, long nowNs);

    /** Timer B or F fired: no final response came (RFC 3261 §17.1.1.2, §17.1.2.2); act as for a 408. */
    void onTimeout(ClientTransaction transaction, long nowNs);

    /** The purpose whose {@link ClientTransaction.Purpose#code()} is {@code code} (restoring a snapshot). */
    ClientTransaction.Purpose purposeOf(int code);

    /** Timer H fired: a non-2xx final response to an INVITE was never acknowledged. */
    default void onAckTimeout(final ServerTransaction transaction, final long nowNs)
    {
    }
}
