package dev.referee.engine.call;

import dev.referee.engine.message.Outbox;
import dev.referee.engine.time.EngineTimers;
import dev.referee.engine.transaction.TransactionLayer;

/**
 * The 2xx Referee sent to an INVITE of a leg, sent again until its ACK comes (RFC 3261 §13.3.1.4: the UAS core, not
 * the transaction, retransmits it): at T1, doubling up to T2, over UDP only; over any transport, given up after
 * 64*T1. The copy, its CSeq and both timers are the leg's ({@code pending2xx}, {@code retransmitTimer},
 * {@code giveUpTimer}). Engine thread only.
 */
final class Invite2xxRetransmission
{
    private final B2bua b2bua;
    private final Outbox outbox;
    private final EngineTimers timers;

    Invite2xxRetransmission(final B2bua b2bua, final Outbox outbox, final EngineTimers timers)
    {
        this.b2bua = b2bua;
        this.outbox = outbox;
        this.timers = timers;
    }

    /** The 2xx just written to the outbox went to {@code leg} for its INVITE of {@code cseq}: kept until the ACK. */
    void start(final Leg leg, final long cseq)
    {
        outbox.release(leg.pending2xx);
        leg.pending2xx = outbox.copyOfMessage();
        leg.pending2xxCSeq = cseq;
        if (!TransactionLayer.isReliable(leg.transport))
        {
            leg.retransmitIntervalNs = b2bua.config().t1Ns();
            leg.retransmitTimer = timers.schedule(b2bua.config().t1Ns(), leg);
        }
        leg.giveUpTimer = timers.schedule(64 * b2bua.config().t1Ns(), leg);
    }

    /** The ACK came, or the leg is done: the 2xx is no longer sent. */
    void stop(final Leg leg)
    {
        leg.retransmitTimer = timers.cancel(leg.retransmitTimer);
        leg.giveUpTimer = timers.cancel(leg.giveUpTimer);
        outbox.release(leg.pending2xx);
        leg.pending2xx = null;
        leg.pending2xxCSeq = -1;
    }

    /**
     * A timer of {@code leg} fired: the 2xx goes again when it is the retransmission timer. Returns true when it is
     * the give-up timer: no ACK within 64*T1, the 2xx is no longer sent, and the session is over.
     */
    boolean onTimer(final Leg leg, final long timerId)
    {
        if (timerId == leg.retransmitTimer && leg.pending2xx != null)
        {
            outbox.resend(leg.transport, leg.flow, leg.connectionId, leg.pending2xx);
            leg.retransmitIntervalNs = Math.min(2 * leg.retransmitIntervalNs, b2bua.config().t2Ns());
            leg.retransmitTimer = timers.scheduleRetransmission(leg.retransmitIntervalNs, leg);
            return false;
        }
        if (timerId == leg.giveUpTimer)
        {
            leg.giveUpTimer = EngineTimers.NO_TIMER;
            stop(leg);
            return true;
        }
        return false;
    }
}
