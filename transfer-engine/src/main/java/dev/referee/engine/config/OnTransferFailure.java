package dev.referee.engine.config;

/** What happens to the transferee when the transfer target fails after the transferor has hung up. */
public enum OnTransferFailure
{
    /** Call the transferor back and join the transferee to it. */
    RECALL,
    /** End the transferee's call. */
    HANGUP
}
