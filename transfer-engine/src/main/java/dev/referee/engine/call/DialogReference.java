package dev.referee.engine.call;

import java.util.Locale;

/**
 * A dialog named by a Replaces header (RFC 3891 §6.1): {@code call-id;to-tag=..;from-tag=..[;early-only]}, as it
 * stands in a REFER's Refer-To URI (%-escaped, {@link #fromUriHeader}) or in an INVITE ({@link #parse}).
 * <p>
 * Only a Call-ID made of RFC 3261 {@code word} characters and token tags are accepted: the value is sent on in the
 * INVITE to the transfer target, so a decoded CR, LF or other control character would inject header lines there.
 */
public record DialogReference(String callId, String toTag, String fromTag, boolean earlyOnly)
{
    /** RFC 3261 §25.1: the characters of a token besides letters and digits. */
    private static final String TOKEN_EXTRA = "-.!%*_+`'~";
    /** The characters a {@code word} (Call-ID) has besides those of a token. */
    private static final String WORD_EXTRA = "()<>:\\\"/[]?{}";

    /** Reads the Replaces of a Refer-To URI (?Replaces=...), unescaping %XX first; null when it names no dialog. */
    public static DialogReference fromUriHeader(final CharSequence escaped)
    {
        final String value = unescape(escaped);
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < ' ' || c == 0x7F)
            {
                return null; // not even at the ends, where parse() would trim it: RFC 3261 §19.1.1 has no LWS here
            }
        }
        return parse(value);
    }

    /**
     * Reads a Replaces header value as an INVITE carries it: not %-escaped (a '%' is a character of the Call-ID or a
     * tag, RFC 3261 §25.1); null when it names no dialog or holds a character a Call-ID or tag may not have.
     */
    public static DialogReference parse(final CharSequence raw)
    {
        final String value = raw.toString();
        // Limit -1: ";" alone would otherwise split into no part at all (found by ReferToFuzzTest).
        final String[] parts = value.split(";", -1);
        final String callId = parts[0].trim();
        String toTag = null;
        String fromTag = null;
        boolean earlyOnly = false;
        for (int i = 1; i < parts.length; i++)
        {
            final String part = parts[i].trim();
            final int equals = part.indexOf('=');
            final String name = (equals < 0 ? part : part.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
            final String param = equals < 0 ? "" : part.substring(equals + 1).trim();
            switch (name)
            {
                case "to-tag" -> toTag = param;
                case "from-tag" -> fromTag = param;
                case "early-only" -> earlyOnly = true;
                default ->
                {
                }
            }
        }
        if (callId.isEmpty() || toTag == null || fromTag == null || !isCallId(callId) || !isToken(toTag) ||
            !isToken(fromTag))
        {
            return null;
        }
        return new DialogReference(callId, toTag, fromTag, earlyOnly);
    }

    /** The header value to send on (unescaped). */
    public String headerValue()
    {
        return callId + ";to-tag=" + toTag + ";from-tag=" + fromTag + (earlyOnly ? ";early-only" : "");
    }

    static String unescape(final CharSequence raw)
    {
        final StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++)
        {
            final char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0)
            {
                out.append((char)(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2))));
                i += 2;
            }
            else
            {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3261 §25.1: {@code callid = word ["@" word]}. */
    private static boolean isCallId(final String text)
    {
        final int at = text.indexOf('@');
        if (at == 0 || at == text.length() - 1 || at >= 0 && text.indexOf('@', at + 1) >= 0)
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (!isTokenChar(c) && WORD_EXTRA.indexOf(c) < 0 && c != '@')
            {
                return false;
            }
        }
        return true;
    }

    /** A non-empty RFC 3261 §25.1 {@code token}, what a tag is. */
    private static boolean isToken(final String text)
    {
        if (text.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (!isTokenChar(text.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenChar(final char c)
    {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_EXTRA.indexOf(c) >= 0;
    }

    private static int hex(final char c)
    {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ?
            c - 'A' + 10 : -1;
    }
}
