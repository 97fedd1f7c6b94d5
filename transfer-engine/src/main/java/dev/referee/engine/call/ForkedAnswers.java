package dev.referee.engine.call;

import dev.referee.engine.message.Outbox;
import dev.referee.engine.snapshot.SnapshotReader;
import dev.referee.engine.snapshot.SnapshotWriter;
import dev.referee.engine.time.EngineTimers;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipMessage;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * 2xx responses to an INVITE Referee sent that come after the first one (RFC 6026 §7.2: the client transaction is
 * Accepted and hands them over). The same To tag as the leg's dialog: the peer lost Referee's ACK, which goes again.
 * Another To tag: another fork answered too (RFC 3261 §13.2.2.4); the call went on with the first, so this dialog is
 * acknowledged and released at once with BYE, on a leg of its own that no map holds. The tags of the forks released
 * are kept with the leg (at most {@link #MAX_PER_LEG}, gone with the leg): a released fork that sends its 2xx again
 * (it missed the ACK) gets the ACK again, not a second BYE. Engine thread only.
 */
final class ForkedAnswers
{
    /** Released forks remembered per leg; one more is still released, and its 2xx again released again. */
    static final int MAX_PER_LEG = LegTags.MAX_PER_LEG;

    private final LegTags released = new LegTags("released forks");
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
        final boolean again = released.contains(leg, toTag);
        release(leg, response, !again);
        if (!again)
        {
            released.add(leg, toTag.toString());
            b2bua.countForkReleased();
        }
    }

    /** The leg is gone: so is what was released of its forks. */
    void forget(final Leg leg)
    {
        released.remove(leg);
    }

    /**
     * Acknowledges the dialog another fork's 2xx made and ends it with BYE (RFC 3261 §13.2.2.4). The fork's leg
     * shares the Call-ID, tag and flow of {@code leg} and takes the fork's tag, Contact and Record-Route; it is in no
     * map, so its BYE's answer (an orphan's) finds nothing and the leg is left to the collector.
     */
    private void release(final Leg leg, final SipMessage response, final boolean bye)
    {
        final Leg fork = calls.newForkLeg(leg);
        b2bua.learnDialog(fork, response, true);
        fork.localCSeq = (int)response.cseqNumber();
        fork.ackPendingCSeq = (int)response.cseqNumber();
        fork.state(Leg.State.CONFIRMED, timers.nowNs(),
            bye ? "another fork answered: released" : "a released fork's 2xx again: ACK again");
        if (bye)
        {
            messages.sendBye(fork, ClientPurpose.ORPHAN); // the ACK goes first: the 2xx is acknowledged, then ended
        }
        else
        {
            messages.sendAck(fork, null);
            fork.state(Leg.State.TERMINATED, timers.nowNs(), "released before");
        }
        outbox.release(fork.lastAck);
        fork.lastAck = null;
    }

    /** By leg id, in order: count, then each leg id and the tags of its released forks. */
    void write(final SnapshotWriter out)
    {
        released.write(out);
    }

    void read(final SnapshotReader in, final Long2ObjectHashMap<Leg> legs)
    {
        released.read(in, legs);
    }
}
