package dev.referee.sip;

/** Protocol numbers RFC 3261 fixes. */
public final class SipLimits
{
    /** Max-Forwards of a request a UAC originates (RFC 3261 §8.1.1.6). */
    public static final int MAX_FORWARDS = 70;

    private SipLimits()
    {
    }
}
