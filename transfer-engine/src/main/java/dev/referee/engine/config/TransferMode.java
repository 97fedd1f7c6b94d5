package dev.referee.engine.config;

/** What a trunk does with a REFER received from it. */
public enum TransferMode
{
    /** Referee performs the transfer itself. */
    TERMINATE,
    /** The REFER is passed to the other leg, rewritten. */
    RELAY,
    /** The REFER is refused with 403. */
    REJECT
}
