package dev.referee.engine.call;

import dev.referee.sip.HeaderName;

/**
 * Which headers of a message received on one leg may appear in the message Referee sends on the other (issue 7,
 * "What crosses"; the list and the reason for each header are in docs/security.md). Three kinds:
 * <ul>
 * <li>Referee's own: written by Referee per leg, or negotiating something per leg (routing, the dialog, the
 * transaction, extensions, the agent's name). Never copied, whatever a trunk's {@code pass-headers} says: a copy
 * would be a second value of a header Referee writes, or would promise or demand what Referee does not do.</li>
 * <li>The allow-list: what the two user agents need from each other end to end (the body's description, what each
 * accepts, why a call ended...). Copied from every trunk.</li>
 * <li>Everything else, known or not: stays on its side unless the sending leg's trunk lists it in
 * {@code pass-headers}.</li>
 * </ul>
 * P-Asserted-Identity and Privacy are none of these: {@link TrunkHeaderRules} decides them by trust. Tables by
 * {@link HeaderName} id: a compact form has the id of its long name, so it meets the same rule.
 */
final class CrossingHeaders
{
    private static final boolean[] OWN = new boolean[HeaderName.COUNT];
    private static final boolean[] ALLOWED = new boolean[HeaderName.COUNT];

    static
    {
        for (final int id : new int[]{
            HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.CONTACT,
            HeaderName.MAX_FORWARDS, HeaderName.CONTENT_LENGTH, HeaderName.CONTENT_TYPE, HeaderName.ROUTE,
            HeaderName.RECORD_ROUTE, HeaderName.REPLACES, HeaderName.TARGET_DIALOG, HeaderName.USER_AGENT,
            HeaderName.SERVER,
            HeaderName.SUPPORTED, HeaderName.REQUIRE, HeaderName.PROXY_REQUIRE, HeaderName.UNSUPPORTED,
            HeaderName.RSEQ, HeaderName.RACK, HeaderName.SESSION_EXPIRES, HeaderName.MIN_SE})
        {
            OWN[id] = true;
        }
        for (final int id : new int[]{
            HeaderName.CONTENT_ENCODING, HeaderName.CONTENT_DISPOSITION, HeaderName.CONTENT_LANGUAGE,
            HeaderName.MIME_VERSION, HeaderName.ACCEPT, HeaderName.ACCEPT_ENCODING, HeaderName.ACCEPT_LANGUAGE,
            HeaderName.ALLOW, HeaderName.ALLOW_EVENTS, HeaderName.EVENT, HeaderName.SUBSCRIPTION_STATE,
            HeaderName.EXPIRES, HeaderName.MIN_EXPIRES, HeaderName.SUBJECT, HeaderName.PRIORITY,
            HeaderName.ORGANIZATION, HeaderName.DATE, HeaderName.CALL_INFO, HeaderName.ALERT_INFO,
            HeaderName.IN_REPLY_TO, HeaderName.REPLY_TO, HeaderName.ERROR_INFO, HeaderName.RETRY_AFTER,
            HeaderName.REASON,
            // Only a REFER has them, and Referee relays a REFER only for a trunk whose transfer mode is relay: then
            // the transfer is the far side's to make, and these say what it is. Transfers Referee makes itself write
            // their own (InviteHeaders).
            HeaderName.REFER_TO, HeaderName.REFERRED_BY, HeaderName.REFER_SUB})
        {
            ALLOWED[id] = true;
        }
    }

    private CrossingHeaders()
    {
    }

    /** Written by Referee on each leg: never copied from the other. */
    static boolean isOwn(final int id)
    {
        return OWN[id];
    }

    /** On the allow-list: copied from every trunk. */
    static boolean isAllowed(final int id)
    {
        return ALLOWED[id];
    }

    /** Decided by the trunks' trust (RFC 3325 §5, RFC 3323 §4.2), not by the lists. */
    static boolean isIdentity(final int id)
    {
        return id == HeaderName.P_ASSERTED_IDENTITY || id == HeaderName.PRIVACY;
    }
}
