package dev.referee.engine.call;

/**
 * A dialog named by a Replaces header (RFC 3891 §6.1): {@code call-id;to-tag=..;from-tag=..[;early-only]}, as it
 * stands in a REFER's Refer-To URI (%-escaped) or in an INVITE.
 */
record DialogReference(String callId, String toTag, String fromTag, boolean earlyOnly)
{
    /** Reads a Replaces value, unescaping %XX first; null when it names no dialog. */
    static DialogReference parse(final CharSequence raw)
    {
        final String value = unescape(raw);
        final String[] parts = value.split(";");
        final String callId = parts[0].trim();
        String toTag = null;
        String fromTag = null;
        boolean earlyOnly = false;
        for (int i = 1; i < parts.length; i++)
        {
            final String part = parts[i].trim();
            final int equals = part.indexOf('=');
            final String name = (equals < 0 ? part : part.substring(0, equals)).trim().toLowerCase();
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
        return callId.isEmpty() || toTag == null || fromTag == null ? null :
            new DialogReference(callId, toTag, fromTag, earlyOnly);
    }

    /** The header value to send on (unescaped). */
    String headerValue()
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

    private static int hex(final char c)
    {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ?
            c - 'A' + 10 : -1;
    }
}
