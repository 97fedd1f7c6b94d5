package dev.referee.engine.call;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;

import java.util.Locale;

/**
 * Reads the session timer headers of a message (RFC 4028 §4): {@code Session-Expires: delta-seconds [;refresher=uac|uas]}
 * and {@code Min-SE: delta-seconds}. Only messages that carry one are read: a message without costs a header lookup.
 */
final class SessionExpires
{
    /** No header, or one whose value is not delta-seconds. */
    static final long NONE = -1;
    /** Who refreshes, as the {@code refresher} parameter says: not said, the request's sender, its receiver. */
    static final int UNSAID = 0;
    static final int UAC = 1;
    static final int UAS = 2;

    private SessionExpires()
    {
    }

    /** The interval in seconds of {@code message}'s Session-Expires; {@link #NONE} when it has none that parses. */
    static long seconds(final SipMessage message, final AsciiView view)
    {
        return deltaSeconds(message, HeaderName.SESSION_EXPIRES, view);
    }

    /** The Min-SE of {@code message} in seconds; {@link #NONE} when none. */
    static long minSeconds(final SipMessage message, final AsciiView view)
    {
        return deltaSeconds(message, HeaderName.MIN_SE, view);
    }

    /** The {@code refresher} parameter of {@code message}'s Session-Expires: {@link #UAC}, {@link #UAS} or UNSAID. */
    static int refresher(final SipMessage message, final AsciiView view)
    {
        final int index = message.findHeader(HeaderName.SESSION_EXPIRES, 0);
        if (index < 0)
        {
            return UNSAID;
        }
        final String value = message.headerValue(index, view).toString().toLowerCase(Locale.ROOT);
        for (final String param : value.split(";"))
        {
            final int equals = param.indexOf('=');
            if (equals > 0 && param.substring(0, equals).trim().equals("refresher"))
            {
                final String who = param.substring(equals + 1).trim();
                return who.equals("uac") ? UAC : who.equals("uas") ? UAS : UNSAID;
            }
        }
        return UNSAID;
    }

    /** True when {@code message} names {@code tag} in a Supported header (compact form k included). */
    static boolean supports(final SipMessage message, final String tag, final AsciiView view)
    {
        return lists(message, HeaderName.SUPPORTED, tag, view);
    }

    /** True when {@code message}'s Allow lists {@code method}; null when it has no Allow (nothing learnt). */
    static Boolean allows(final SipMessage message, final String method, final AsciiView view)
    {
        return message.findHeader(HeaderName.ALLOW, 0) < 0 ? null : lists(message, HeaderName.ALLOW, method, view);
    }

    private static boolean lists(final SipMessage message, final int headerId, final String token,
        final AsciiView view)
    {
        for (int i = message.findHeader(headerId, 0); i >= 0; i = message.findHeader(headerId, i + 1))
        {
            for (final String each : message.headerValue(i, view).toString().split(","))
            {
                if (each.trim().equalsIgnoreCase(token))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static long deltaSeconds(final SipMessage message, final int headerId, final AsciiView view)
    {
        final int index = message.findHeader(headerId, 0);
        if (index < 0)
        {
            return NONE;
        }
        final AsciiView value = message.headerValue(index, view);
        long seconds = 0;
        int digits = 0;
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            if (c >= '0' && c <= '9')
            {
                // delta-seconds is at most 2^32 - 1 (RFC 3261 §25.1 for Expires; RFC 4028 reuses it): more is refused.
                seconds = seconds * 10 + (c - '0');
                if (++digits > 10)
                {
                    return NONE;
                }
            }
            else if (c == ';' || c == ' ' || c == '\t')
            {
                break;
            }
            else
            {
                return NONE;
            }
        }
        return digits == 0 || seconds > 0xFFFF_FFFFL ? NONE : seconds;
    }
}
