package dev.referee.engine.call;

import dev.referee.engine.message.Outbox;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipMessage;

/**
 * 2xx responses to an INVITE Referee sent that come after the first one (RFC 6026 §7.2: the client transaction is
 * Accepted and hands them over). The same To tag as the leg's dialog: the peer lost Referee's ACK, which goes again.
 * Another To tag: another fork answered too (RFC 3261 §13.2.2.4); the call went on with the first, so this dialog is
 * acknowledged and released at once with BYE, on a leg of its own that no map holds. Engine thread only.
 */
final class ForkedAnswers
{
    private final B2bua b2bua;
    private final CallRegistry calls;
    private final LegMessages messages;
    private final Outbox outbox;
    private final EngineTimers timers;

    ForkedAnswers(final B2bua b2bua, final CallRegistry calls, final LegMessages messages, final Outbox outbox,
        final EngineTimers timers)
    {
        this.b2bua = b2bua;
        this.calls = calls;
        this.messages = messages;
        this.outbox = outbox;
        this.timers = timers;
    }

    /**
     * A 2xx to an INVITE sent on {@code leg} (found by the From tag, Referee's, and the Call-ID), after the one that
     * confirmed it.
     */
    void onAnswer(final Leg leg, final SipMessage response)
    {
        final AsciiView toTag = response.to().tag();
        if (toTag.isEmpty() || toTag.contentEquals(leg.remoteTag))
        {
            // The peer did not get the ACK: once it is sent (the caller's ACK brings its body), it goes again.
            if (leg.lastAck != null && leg.lastAckCSeq == response.cseqNumber())
            {
                outbox.resend(leg.transport, leg.flow, leg.connectionId, leg.lastAck);
            }
            return;
        }
        release(leg, response);
    }

    /**
     * Acknowledges the dialog another fork's 2xx made and ends it with BYE (RFC 3261 §13.2.2.4). The fork's leg
     * shares the Call-ID, tag and flow of {@code leg} and takes the fork's tag, Contact and Record-Route; it is in no
     * map, so its BYE's answer (an orphan's) finds nothing and the leg is left to the collector.
     */
    private void release(final Leg leg, final SipMessage response)
    {
        final Leg fork = calls.newForkLeg(leg);
        b2bua.learnDialog(fork, response, true);
        fork.localCSeq = (int)response.cseqNumber();
        fork.ackPendingCSeq = (int)response.cseqNumber();
        fork.state(Leg.State.CONFIRMED, timers.nowNs(), "another fork answered: released");
        messages.sendBye(fork, ClientPurpose.ORPHAN); // the ACK goes first: the 2xx is acknowledged, then ended
        outbox.release(fork.lastAck);
        fork.lastAck = null;
    }
}
