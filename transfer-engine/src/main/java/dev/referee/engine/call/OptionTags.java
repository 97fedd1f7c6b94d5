package dev.referee.engine.call;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SIP extensions (option tags) Referee implements, for Require and Proxy-Require (RFC 3261 §8.2.2.3): Replaces
 * (RFC 3891: pickups, attended transfers) and norefersub (RFC 4488: Refer-Sub: false). A request requiring any other
 * gets 420 naming exactly those in Unsupported. Session timers (RFC 4028: timer) from node-start version 5
 * ({@code SessionTimers}), reliable provisional responses (RFC 3262: 100rel) from version 6
 * ({@code ReliableProvisionals}, {@code PrackSender}); before, requiring either got 420.
 */
public final class OptionTags
{
    private static final List<String> SUPPORTED = List.of("replaces", "norefersub");
    private static final List<String> SUPPORTED_WITH_TIMERS = List.of("replaces", "norefersub", "timer");
    private static final List<String> SUPPORTED_WITH_100REL = List.of("replaces", "norefersub", "timer", "100rel");
    /** The option tag of reliable provisional responses (RFC 3262 §3). */
    public static final String REL100 = "100rel";

    private OptionTags()
    {
    }

    /**
     * True when {@code message} lists {@code tag} in a Supported header (compact form k too; option tags compare
     * case-insensitively, RFC 3261 §19.2). No String is made.
     */
    public static boolean supports(final SipMessage message, final String tag, final AsciiView view)
    {
        return lists(message, HeaderName.SUPPORTED, tag, view);
    }

    private static boolean lists(final SipMessage message, final int header, final String tag, final AsciiView view)
    {
        for (int i = message.findHeader(header, 0); i >= 0; i = message.findHeader(header, i + 1))
        {
            message.headerValue(i, view);
            int start = 0;
            final int n = view.length();
            while (start < n)
            {
                int end = start;
                while (end < n && view.charAt(end) != ',')
                {
                    end++;
                }
                int from = start;
                int to = end;
                while (from < to && view.charAt(from) <= ' ')
                {
                    from++;
                }
                while (to > from && view.charAt(to - 1) <= ' ')
                {
                    to--;
                }
                if (to - from == tag.length() && regionMatches(view, from, tag))
                {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }

    /**
     * True when {@code message} lists {@code tag} in a Require header (RFC 3261 §20.32), compared as
     * {@link #supports} does.
     */
    public static boolean requires(final SipMessage message, final String tag, final AsciiView view)
    {
        return lists(message, HeaderName.REQUIRE, tag, view);
    }

    private static boolean regionMatches(final AsciiView view, final int from, final String tag)
    {
        for (int i = 0; i < tag.length(); i++)
        {
            if (Character.toLowerCase(view.charAt(from + i)) != tag.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** The option tags {@code request} requires that Referee lacks, comma-separated, each once; "" when none. */
    public static String unsupported(final SipMessage request, final AsciiView view)
    {
        return unsupported(request, view, false);
    }

    /** As {@link #unsupported(SipMessage, AsciiView)}; {@code timers}: session timers are implemented (timer). */
    public static String unsupported(final SipMessage request, final AsciiView view, final boolean timers)
    {
        return unsupported(request, view, timers, false);
    }

    /**
     * As {@link #unsupported(SipMessage, AsciiView, boolean)}; {@code reliableProvisionals}: 100rel is implemented too
     * (node-start version 6 on, which has timers).
     */
    public static String unsupported(final SipMessage request, final AsciiView view, final boolean timers,
        final boolean reliableProvisionals)
    {
        final List<String> supported = reliableProvisionals ? SUPPORTED_WITH_100REL :
            timers ? SUPPORTED_WITH_TIMERS : SUPPORTED;
        final List<String> missing = new ArrayList<>();
        for (int i = 0, n = request.headerCount(); i < n; i++)
        {
            final int id = request.headerId(i);
            if (id != HeaderName.REQUIRE && id != HeaderName.PROXY_REQUIRE)
            {
                continue;
            }
            for (final String tag : request.headerValue(i, view).toString().split(","))
            {
                final String name = tag.trim();
                if (!name.isEmpty() && !supported.contains(name.toLowerCase(Locale.ROOT)) && !missing.contains(name))
                {
                    missing.add(name);
                }
            }
        }
        return String.join(", ", missing);
    }
}
