package dev.referee.engine.call;

import dev.referee.engine.state.StateMachine;
import dev.referee.engine.state.Transitions;
import dev.referee.engine.transaction.ClientTransaction;

import java.util.EnumSet;

/**
 * What a request Referee sent is for, and so what its client transaction's context is. Set when the request goes;
 * an INVITE given up moves on: to ABANDONED_INVITE (CANCEL waits for a provisional, RFC 3261 §9.1), then to
 * CANCELLED_INVITE (a 2xx that crosses the CANCEL is acknowledged and hung up). The codes are in snapshots.
 */
public enum ClientPurpose implements ClientTransaction.Purpose
{
    /** The callee's INVITE of a new call (or its redirect). Context: the {@link Call}. */
    INITIAL_INVITE(1),
    /** A re-INVITE relayed from the other leg. Context: the {@code ServerTransaction} it relays. */
    RELAYED_INVITE(2),
    /** Any other in-dialog request relayed from the other leg. Context: its {@code ServerTransaction}. */
    RELAYED_REQUEST(3),
    /** A BYE that ends a call when answered. Context: the {@link Call}. */
    BYE(4),
    /** A CANCEL. No context. */
    CANCEL(5),
    /** A request whose outcome nobody waits for (a BYE of a leg already dropped). No context. */
    ORPHAN(6),
    /** INVITE to a transfer target (or to a recalled transferor). Context: the transfer. */
    TARGET_INVITE(7),
    /** re-INVITE of the transferee with the target's offer. Context: the transfer. */
    JOIN_REINVITE(8),
    /** NOTIFY of a transfer's progress. Context: the transfer. */
    NOTIFY(9),
    /** An INVITE given up before any provisional: CANCEL goes when one comes. Context: its {@link Leg}. */
    ABANDONED_INVITE(10),
    /** An INVITE given up and cancelled. Context: its {@link Leg}. */
    CANCELLED_INVITE(11),
    /** re-INVITE without offer of an attended transfer's target, to get its offer. Context: the transfer. */
    OFFER_REINVITE(12),
    /** re-INVITE of the peer of a leg taken over by INVITE with Replaces. Context: the picker's {@link Leg}. */
    PICKUP_REINVITE(13),
    /** OPTIONS asking a route target whether it is up (routes[].keepalive). No context: the destination says which. */
    KEEPALIVE(14),
    /** re-INVITE or UPDATE refreshing a session Referee is the refresher of (RFC 4028 §10). Context: its {@link Leg}. */
    SESSION_REFRESH(15),
    /**
     * PRACK acknowledging a callee's reliable provisional (RFC 3262 §4), node-start version 6 on. Context: its
     * {@link Leg}. Its outcome changes nothing: a failed PRACK is not a failed call.
     */
    PRACK(16);

    private static final ClientPurpose[] BY_CODE = new ClientPurpose[17];
    private final int code;
    private EnumSet<ClientPurpose> next;

    static
    {
        for (final ClientPurpose purpose : values())
        {
            BY_CODE[purpose.code] = purpose;
            purpose.next = EnumSet.noneOf(ClientPurpose.class);
        }
        for (final ClientPurpose invite : EnumSet.of(
            INITIAL_INVITE, RELAYED_INVITE, TARGET_INVITE, JOIN_REINVITE, OFFER_REINVITE, PICKUP_REINVITE))
        {
            invite.next = EnumSet.of(ABANDONED_INVITE, CANCELLED_INVITE);
        }
        ABANDONED_INVITE.next = EnumSet.of(CANCELLED_INVITE);
    }

    ClientPurpose(final int code)
    {
        this.code = code;
    }

    @Override
    public int code()
    {
        return code;
    }

    /** The purpose of code {@code code}; null for none. */
    public static ClientPurpose ofCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The purpose of {@code ct}; null when the TU never set one. */
    public static ClientPurpose of(final ClientTransaction ct)
    {
        return (ClientPurpose)ct.purpose();
    }

    /**
     * The purpose machine's one transition: {@code ct} is now for {@code next}, working on {@code context};
     * refused (and reported) when the machine does not allow it.
     */
    static void move(final ClientTransaction ct, final ClientPurpose next, final Object context,
        final Transitions transitions, final long callId, final long nowNs, final String reason)
    {
        final ClientPurpose from = of(ct);
        if (from == next)
        {
            ct.context(context);
            return;
        }
        if (from == null || !from.next.contains(next))
        {
            transitions.refused(StateMachine.CLIENT_PURPOSE, ct.id(), callId, from, next, reason, nowNs);
            return;
        }
        ct.purpose(next);
        ct.context(context);
        transitions.moved(StateMachine.CLIENT_PURPOSE, ct.id(), callId, from, next, reason, nowNs);
    }
}
