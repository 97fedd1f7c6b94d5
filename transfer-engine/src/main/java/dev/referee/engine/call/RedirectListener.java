package dev.referee.engine.call;

import dev.referee.sip.SipMessage;

/**
 * Where call setup hands a callee's 3xx (or a redirect target's failure) to be followed (RFC 3261 §8.1.3.4) under the
 * transfer policy; the transfer package implements it. Engine thread only.
 */
public interface RedirectListener
{
    /** Returns true when an INVITE to one of the Contacts went out instead of relaying {@code response}. */
    boolean onRedirect(Call call, SipMessage response);
}
