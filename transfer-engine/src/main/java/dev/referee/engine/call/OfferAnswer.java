package dev.referee.engine.call;

import java.util.EnumSet;

/**
 * The offer/answer state of one leg's dialog (RFC 3264; RFC 6337 §2 for where offers and answers go in SIP), as
 * Referee sees it on that leg: Referee is one party of the exchange, the leg's peer the other. Referee passes SDP
 * through and carries offers and answers in INVITE, the 2xx to an INVITE and ACK, and (node-start version 6 on) the
 * answer to an INVITE's offer in a reliable provisional (RFC 3262 §5): the 2xx then repeats it (RFC 6337 §3.1.1) and
 * makes no second answer. Bodies in unreliable provisionals are not answers (RFC 3261 §13.2.1); UPDATE bodies are
 * relayed without a move.
 * <pre>
 * NO_SESSION --offer sent (INVITE, or 2xx to an INVITE without offer)--> OFFER_SENT --answer received--> STABLE
 * NO_SESSION --offer received (INVITE, or 2xx to ours without offer)--> OFFER_RECEIVED --answer sent--> STABLE
 * STABLE --offer sent / received (re-INVITE, or its 2xx when the re-INVITE had none)--> OFFER_SENT / OFFER_RECEIVED
 * OFFER_SENT, OFFER_RECEIVED --INVITE failed, cancelled, given up--> the state before the offer (NO_SESSION, STABLE)
 * OFFER_SENT, OFFER_RECEIVED --answer in a reliable 1xx--> EARLY_ANSWERED --2xx--> STABLE
 * EARLY_ANSWERED --INVITE failed, cancelled, given up--> NO_SESSION (STABLE for a re-INVITE)
 * </pre>
 * Engine thread only.
 */
public enum OfferAnswer
{
    /** No offer made yet: a new leg, or an INVITE (or a transfer's INVITE to its target) without offer. */
    NO_SESSION,
    /** Referee sent an offer on this leg and waits for the peer's answer. */
    OFFER_SENT,
    /** The peer sent an offer on this leg; Referee owes the answer (it relays the other side's). */
    OFFER_RECEIVED,
    /** The last offer was answered: a session is agreed and a new offer may be made. */
    STABLE,
    /**
     * The INVITE's offer was answered in a reliable provisional (RFC 3262 §5): an early session, until the 2xx (which
     * repeats the answer or carries none) makes it STABLE. Last: legs keep the state as its ordinal.
     */
    EARLY_ANSWERED;

    /** The message an offer or an answer travels in (RFC 6337 §2.1, the INVITE rows). */
    public enum Carrier
    {
        /** An INVITE or re-INVITE: carries an offer or nothing. */
        INVITE("INVITE"),
        /** A 2xx to an INVITE: the answer to the INVITE's offer, or the offer when the INVITE had none. */
        SUCCESS("2xx"),
        /** The ACK of a 2xx: the answer to the 2xx's offer, or nothing. */
        ACK("ACK"),
        /** A reliable provisional to an INVITE (RFC 3262): the answer to the INVITE's offer, or nothing. */
        RELIABLE_PROVISIONAL("reliable 1xx");

        private final String wire;

        Carrier(final String wire)
        {
            this.wire = wire;
        }

        @Override
        public String toString()
        {
            return wire;
        }
    }

    private EnumSet<OfferAnswer> next;
    /** Reasons of the moves, made once (no String is built per message): [received ? 1 : 0][carrier][next state]. */
    private static final OfferAnswer[] BY_ORDINAL = values();
    private static final String[][][] REASONS = new String[2][Carrier.values().length][values().length];

    static
    {
        NO_SESSION.next = EnumSet.of(OFFER_SENT, OFFER_RECEIVED);
        // An offer withdrawn (its INVITE failed) goes back to where it came from: NO_SESSION for a dialog's first.
        OFFER_SENT.next = EnumSet.of(STABLE, NO_SESSION, EARLY_ANSWERED);
        OFFER_RECEIVED.next = EnumSet.of(STABLE, NO_SESSION, EARLY_ANSWERED);
        EARLY_ANSWERED.next = EnumSet.of(STABLE, NO_SESSION);
        // STABLE -> NO_SESSION: the initial INVITE failed after an early exchange (not reachable without 100rel).
        STABLE.next = EnumSet.of(OFFER_SENT, OFFER_RECEIVED, NO_SESSION);
        for (int received = 0; received < 2; received++)
        {
            for (final Carrier carrier : Carrier.values())
            {
                for (final OfferAnswer state : values())
                {
                    final String what = state == STABLE || state == EARLY_ANSWERED ? "answer" :
                        state.isOfferPending() ? "offer" : "nothing";
                    REASONS[received][carrier.ordinal()][state.ordinal()] = what + " in " + carrier.wire +
                        (received == 1 ? " received" : " sent");
                }
            }
        }
    }

    /** Why a message of {@code carrier} moved a leg to {@code next} ("offer in INVITE received"). */
    static String reason(final boolean received, final Carrier carrier, final OfferAnswer next)
    {
        return REASONS[received ? 1 : 0][carrier.ordinal()][next.ordinal()];
    }

    /** The state of ordinal {@code ordinal} (a leg keeps its state as one byte). */
    static OfferAnswer ofOrdinal(final int ordinal)
    {
        return BY_ORDINAL[ordinal];
    }

    boolean canMoveTo(final OfferAnswer state)
    {
        return next.contains(state);
    }

    /** An offer is made and not yet answered, in either direction. */
    public boolean isOfferPending()
    {
        return this == OFFER_SENT || this == OFFER_RECEIVED;
    }

    /**
     * The state after Referee received a message of {@code carrier} on the leg, with a body or without: this state
     * when the message makes no move, null when the machine has no move for it (an answer with no offer pending, a
     * second offer while one is pending, a 2xx or ACK that leaves out the answer owed).
     */
    public OfferAnswer afterReceiving(final Carrier carrier, final boolean body)
    {
        return after(carrier, body, OFFER_SENT, OFFER_RECEIVED);
    }

    /** The state after Referee sent a message of {@code carrier} on the leg: as {@link #afterReceiving}, mirrored. */
    public OfferAnswer afterSending(final Carrier carrier, final boolean body)
    {
        return after(carrier, body, OFFER_RECEIVED, OFFER_SENT);
    }

    /**
     * The state when the INVITE exchange under way ends without success (a final failure, a CANCEL, a timeout, an
     * INVITE given up): an open offer is void and the leg returns to {@code answeredBefore ? STABLE : NO_SESSION}.
     * With no offer open nothing changes (an INVITE without offer that failed).
     */
    public OfferAnswer afterFailure(final boolean answeredBefore)
    {
        return isOfferPending() || this == EARLY_ANSWERED ? (answeredBefore ? STABLE : NO_SESSION) : this;
    }

    /**
     * {@code mine}: the state in which this message answers an offer of the other party ({@code OFFER_SENT} for what
     * Referee receives); {@code theirs}: the state the message's offer puts the leg in.
     */
    private OfferAnswer after(final Carrier carrier, final boolean body, final OfferAnswer mine,
        final OfferAnswer theirs)
    {
        return switch (carrier)
        {
            // An INVITE may only offer, and only when no offer is open (RFC 3261 §14.2 glare gets 491 before this).
            case INVITE -> isOfferPending() || this == EARLY_ANSWERED ? null : body ? theirs : this;
            // A 2xx answers the INVITE's offer, or offers when the INVITE had none (RFC 3261 §13.2.1): either way it
            // must carry a body; after an answer in a reliable 1xx it repeats that answer, or carries none.
            case SUCCESS -> this == EARLY_ANSWERED ? STABLE :
                !body || this == theirs ? null : this == mine ? STABLE : theirs;
            // An ACK answers the 2xx's offer and may carry nothing else.
            case ACK -> this == mine ? (body ? STABLE : null) : body ? null : this;
            // A reliable 1xx answers the INVITE's offer (RFC 3262 §5); a later one repeats that answer or has no body.
            // Referee offers 100rel only with an offer of its own, so an offer in a reliable 1xx has no move.
            case RELIABLE_PROVISIONAL -> !body || this == EARLY_ANSWERED ? this : this == mine ? EARLY_ANSWERED : null;
        };
    }
}
