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
 * ({@code SessionTimers}). 100rel (RFC 3262) is not implemented yet: requiring it still gets 420.
 */
public final class OptionTags
{
    private static final List<String> SUPPORTED = List.of("replaces", "norefersub");
    private static final List<String> SUPPORTED_WITH_TIMERS = List.of("replaces", "norefersub", "timer");

    private OptionTags()
    {
    }

    /** The option tags {@code request} requires that Referee lacks, comma-separated, each once; "" when none. */
    public static String unsupported(final SipMessage request, final AsciiView view)
    {
        return unsupported(request, view, false);
    }

    /** As {@link #unsupported(SipMessage, AsciiView)}; {@code timers}: session timers are implemented (timer). */
    public static String unsupported(final SipMessage request, final AsciiView view, final boolean timers)
    {
        final List<String> supported = timers ? SUPPORTED_WITH_TIMERS : SUPPORTED;
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
