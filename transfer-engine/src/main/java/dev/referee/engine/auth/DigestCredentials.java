package dev.referee.engine.auth;

import java.util.Locale;

/**
 * The parameters of one Digest credentials value (a Proxy-Authorization header, RFC 7616 §3.4, RFC 3261 §25.1
 * {@code digest-response}): {@code auth-param = token "=" (token / quoted-string)}, comma separated, after the scheme.
 * Parameters not used to verify are skipped; a repeated one keeps its last value. Engine thread only (reused).
 */
final class DigestCredentials
{
    String username;
    String realm;
    String nonce;
    String uri;
    String response;
    String algorithm;
    String cnonce;
    String nc;
    String qop;

    /** Reads {@code value}; false when it is not Digest credentials or does not parse. */
    boolean parse(final CharSequence value)
    {
        username = realm = nonce = uri = response = algorithm = cnonce = nc = qop = null;
        final String text = value.toString();
        int i = skipSpace(text, 0);
        final int schemeEnd = tokenEnd(text, i);
        if (!text.substring(i, schemeEnd).equalsIgnoreCase("Digest"))
        {
            return false;
        }
        i = schemeEnd;
        final StringBuilder quoted = new StringBuilder();
        while (true)
        {
            i = skipSpace(text, i);
            if (i == text.length())
            {
                return true;
            }
            final int nameEnd = tokenEnd(text, i);
            if (nameEnd == i)
            {
                return false;
            }
            final String name = text.substring(i, nameEnd).toLowerCase(Locale.ROOT);
            i = skipSpace(text, nameEnd);
            if (i == text.length() || text.charAt(i) != '=')
            {
                return false;
            }
            i = skipSpace(text, i + 1);
            final String paramValue;
            if (i < text.length() && text.charAt(i) == '"')
            {
                quoted.setLength(0);
                i++;
                while (i < text.length() && text.charAt(i) != '"')
                {
                    // quoted-pair: the backslash escapes the next character (RFC 3261 §25.1).
                    if (text.charAt(i) == '\\' && i + 1 < text.length())
                    {
                        i++;
                    }
                    quoted.append(text.charAt(i++));
                }
                if (i == text.length())
                {
                    return false;
                }
                i++;
                paramValue = quoted.toString();
            }
            else
            {
                final int end = tokenEnd(text, i);
                if (end == i)
                {
                    return false;
                }
                paramValue = text.substring(i, end);
                i = end;
            }
            assign(name, paramValue);
            i = skipSpace(text, i);
            if (i < text.length())
            {
                if (text.charAt(i) != ',')
                {
                    return false;
                }
                i++;
            }
        }
    }

    private void assign(final String name, final String value)
    {
        switch (name)
        {
            case "username" -> username = value;
            case "realm" -> realm = value;
            case "nonce" -> nonce = value;
            case "uri" -> uri = value;
            case "response" -> response = value;
            case "algorithm" -> algorithm = value;
            case "cnonce" -> cnonce = value;
            case "nc" -> nc = value;
            case "qop" -> qop = value;
            default ->
            {
                // opaque, userhash and extensions: nothing Referee checks.
            }
        }
    }

    private static int skipSpace(final String text, final int from)
    {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t'))
        {
            i++;
        }
        return i;
    }

    /** The end of the token starting at {@code from} (RFC 3261 §25.1 token characters). */
    private static int tokenEnd(final String text, final int from)
    {
        int i = from;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-.!%*_+`'~".indexOf(c) >= 0))
            {
                break;
            }
            i++;
        }
        return i;
    }
}
