package dev.referee.engine.state;

/** The engine's state machines, named in what they report (a trace line, a count of unexpected events). */
public enum StateMachine
{
    /** {@code Call.State}: a back-to-back call from INVITE to its end. */
    CALL,
    /** {@code Leg.State}: one leg's dialog (RFC 3261 §12): early, confirmed, terminated. */
    DIALOG,
    /** {@code Transfer.State}: one transfer Referee performs for a REFER. */
    TRANSFER,
    /** {@code ClientPurpose}: what a request Referee sent is for; an INVITE given up changes purpose. */
    CLIENT_PURPOSE,
    /** {@code OfferAnswer}: one leg's offer/answer exchange (RFC 3264): no session, offer sent or received, stable. */
    OFFER_ANSWER
}
