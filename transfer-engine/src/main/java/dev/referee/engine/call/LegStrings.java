package dev.referee.engine.call;

import dev.referee.sip.AsciiView;
import dev.referee.sip.NameAddr;

/**
 * Builds the Strings a leg keeps that are made of several parts of a received message (its URIs): one String per
 * value, where concatenating {@code toString()}s made one per part as well. Each byte above 0x7F becomes U+FFFD, as
 * {@link AsciiView#toString()} (Agrona's ASCII decoding) made it, so the Strings, and the bytes written from them,
 * are what they were. Engine thread only.
 */
final class LegStrings
{
    private static final char REPLACEMENT = '\uFFFD';

    private final StringBuilder builder = new StringBuilder(128);

    /** name-addr text of a From/To value without its parameters (the tag is Referee's or the peer's per leg). */
    String nameAddrWithoutParams(final NameAddr nameAddr)
    {
        final StringBuilder text = builder;
        text.setLength(0);
        final AsciiView display = nameAddr.displayName();
        if (!display.isEmpty())
        {
            append(text, display).append(' ');
        }
        text.append('<');
        append(text, nameAddr.uri()).append('>');
        return text.toString();
    }

    /** {@code sip:user} and what follows it for the route ({@link Router#targetSuffix}). */
    String requestUri(final AsciiView user, final String suffix)
    {
        final StringBuilder text = builder;
        text.setLength(0);
        text.append("sip:");
        append(text, user).append(suffix);
        return text.toString();
    }

    private static StringBuilder append(final StringBuilder text, final AsciiView view)
    {
        for (int i = 0, n = view.length(); i < n; i++)
        {
            final char c = view.charAt(i);
            text.append(c < 0x80 ? c : REPLACEMENT);
        }
        return text;
    }
}
