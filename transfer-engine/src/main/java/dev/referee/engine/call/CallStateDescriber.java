package dev.referee.engine.call;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * One line that says what the engine holds for a call: the call's state, each leg's dialog state, pending INVITE or
 * 2xx and open offer, and its transfer. {@code referee journal replay --call CALL --trace} prints it whenever it
 * changes after an input, which is the call's state transitions as the replay makes them. Reads engine state, so call
 * it on the thread that runs the engine, between inputs; never used on the live path.
 */
public final class CallStateDescriber
{
    private CallStateDescriber()
    {
    }

    /** The state of call {@code callId}, or null when the engine holds nothing for it (not yet made, or ended). */
    public static String describe(final B2bua b2bua, final long callId)
    {
        final Call call = find(b2bua.calls().legs(), callId);
        if (call == null)
        {
            return null;
        }
        final StringBuilder out = new StringBuilder(160);
        out.append("call ").append(call.id).append(' ').append(call.state().isCancelled() ? Call.State.INITIATING : call.state());
        if (call.parentId != 0)
        {
            out.append(" (from call ").append(call.parentId).append(')');
        }
        if (call.state().isCancelled())
        {
            out.append(", cancelled");
        }
        if (call.redirects > 0)
        {
            out.append(", redirects followed ").append(call.redirects);
        }
        for (int i = 0; i < call.legs.size(); i++)
        {
            final Leg leg = call.legs.get(i);
            if (leg.call == call)
            {
                leg(out.append("; "), call, leg);
            }
        }
        if (call.pendingRefer != null)
        {
            out.append("; REFER waiting for the webhook");
        }
        transfer(out, "transfer", call.transfer);
        if (call.blonde != null && call.blonde != call.transfer)
        {
            transfer(out, "blonde transfer", call.blonde);
        }
        return out.toString();
    }

    private static Call find(final Long2ObjectHashMap<Leg> legs, final long callId)
    {
        for (final Leg leg : legs.values())
        {
            if (leg.call != null && leg.call.id == callId)
            {
                return leg.call;
            }
        }
        return null;
    }

    private static void leg(final StringBuilder out, final Call call, final Leg leg)
    {
        out.append(leg == call.a ? "A leg " : leg == call.b ? "B leg " : "leg ").append(leg.id).append(' ')
            .append(dialogState(leg));
        if (leg.peer != null)
        {
            out.append(" joined to ").append(leg.peer.id);
        }
        if (leg.serverInvite != null)
        {
            out.append(", INVITE in");
        }
        if (leg.clientInvite != null)
        {
            out.append(", INVITE out");
        }
        if (leg.pending2xx != null)
        {
            out.append(", 2xx awaiting ACK");
        }
        if (leg.ackPendingCSeq >= 0)
        {
            out.append(", ACK to send");
        }
        if (leg.offerAnswer().isOfferPending())
        {
            out.append(leg.offerAnswer() == OfferAnswer.OFFER_SENT ? ", offer sent" : ", offer received");
        }
    }

    private static String dialogState(final Leg leg)
    {
        if (leg.isTerminated())
        {
            return "terminated";
        }
        if (leg.isConfirmed())
        {
            return "confirmed";
        }
        return leg.remoteTag != null ? "early" : "trying";
    }

    private static void transfer(final StringBuilder out, final String name, final CallTransfer transfer)
    {
        if (transfer == null)
        {
            return;
        }
        out.append("; ").append(name).append(' ').append(transfer.id()).append(' ').append(transfer.kindName())
            .append(' ').append(transfer.state());
        if (transfer.transferor() != null)
        {
            out.append(" by leg ").append(transfer.transferor().id);
        }
        if (transfer.target() != null)
        {
            out.append(", target leg ").append(transfer.target().id).append(' ').append(dialogState(transfer.target()));
        }
        if (transfer.lastNotified() != 0)
        {
            out.append(transfer.lastNotified() == CallTransfer.UNSUBSCRIBED ? ", unsubscribed" :
                ", last NOTIFY " + transfer.lastNotified());
        }
    }
}
