package dev.referee.transport;

/** What the receive threads do with a request whose source address is in no trunk. */
public enum UnknownSources
{
    /** Answer {@code 403 Forbidden} with a Reason header, statelessly; the default once any trunk exists. */
    REJECT,
    /** Drop it without an answer. */
    DROP,
    /** Let it through as if it came from a trunk with the default policy; the default without trunks. */
    ALLOW
}
