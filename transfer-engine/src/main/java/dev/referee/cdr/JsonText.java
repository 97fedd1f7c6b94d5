package dev.referee.cdr;

/**
 * Minimal JSON writing into a {@link StringBuilder}: quoted strings with RFC 8259 escaping, numbers, null. Written by
 * hand because a call record is a flat, known shape and the writer must not depend on reflection.
 */
final class JsonText
{
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText()
    {
    }

    /** Appends {@code value} as a JSON string, or {@code null} when it is null. */
    static StringBuilder string(final StringBuilder out, final CharSequence value)
    {
        if (null == value)
        {
            return out.append("null");
        }

        out.append('"');
        for (int i = 0, length = value.length(); i < length; i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029')
                    {
                        // DEL and the JavaScript line separators are legal JSON, but escaping them keeps lines safe
                        // to paste into terminals and scripts.
                        unicodeEscape(out, c);
                    }
                    else
                    {
                        out.append(c);
                    }
                    break;
            }
        }
        return out.append('"');
    }

    /** Appends {@code ,"name":} (without the comma when it is the first member). */
    static StringBuilder name(final StringBuilder out, final String name)
    {
        final char last = out.charAt(out.length() - 1);
        if ('{' != last)
        {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }

    /** Milliseconds as seconds with three decimals, e.g. 12345 -> 12.345. */
    static StringBuilder seconds(final StringBuilder out, final long millis)
    {
        if (millis < 0)
        {
            out.append('-');
        }
        final long abs = Math.abs(millis);
        out.append(abs / 1000).append('.');
        final long fraction = abs % 1000;
        if (fraction < 100)
        {
            out.append('0');
        }
        if (fraction < 10)
        {
            out.append('0');
        }
        return out.append(fraction);
    }

    private static void unicodeEscape(final StringBuilder out, final char c)
    {
        out.append("\\u")
            .append(HEX[(c >> 12) & 0xF])
            .append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
    }
}
