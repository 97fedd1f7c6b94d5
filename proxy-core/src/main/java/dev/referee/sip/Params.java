package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Scans {@code *( LWS? ";" LWS? name [ LWS? "=" LWS? value ] ) LWS?} ranges: header parameters (generic-param,
 * RFC 3261 §25.1, where LWS may surround ';' and '=') and, as a stricter subset, URI parameters.
 * Values are tokens, hosts (IPv6 references included) or quoted strings.
 */
final class Params
{
    private Params()
    {
    }

    /** True when [from, to) is a well formed parameter list (possibly empty); every name must be non-empty. */
    static boolean valid(final DirectBuffer buffer, final int from, final int to)
    {
        int i = SipChars.skipLws(buffer, from, to);
        while (i < to)
        {
            i = next(buffer, i, to, null, null);
            if (i < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the parameter whose ';' is at {@code from} into {@code name} and {@code value} (either may be null;
     * an empty value for a flag) and returns where the next one starts (or {@code to}); -1 when malformed.
     * One call per parameter lets a view validate and pick out the parameters it keeps in a single pass.
     */
    static int next(
        final DirectBuffer buffer, final int from, final int to, final AsciiView name, final AsciiView value)
    {
        if (from >= to || buffer.getByte(from) != ';')
        {
            return -1;
        }
        final int nameStart = SipChars.skipLws(buffer, from + 1, to);
        final int nameEnd = skipName(buffer, nameStart, to);
        if (nameEnd == nameStart)
        {
            return -1;
        }
        int valueStart = nameEnd;
        int valueEnd = nameEnd;
        int i = SipChars.skipLws(buffer, nameEnd, to);
        if (i < to && buffer.getByte(i) == '=')
        {
            valueStart = SipChars.skipLws(buffer, i + 1, to);
            valueEnd = skipValue(buffer, valueStart, to);
            if (valueEnd <= valueStart)
            {
                return -1;
            }
            i = SipChars.skipLws(buffer, valueEnd, to);
        }
        if (name != null)
        {
            name.wrap(buffer, nameStart, nameEnd - nameStart);
        }
        if (value != null)
        {
            value.wrap(buffer, valueStart, valueEnd - valueStart);
        }
        return i;
    }

    /**
     * Points {@code into} at the value of parameter {@code name} (case-insensitive; quotes kept; empty for a flag).
     * Assumes a range that {@link #valid} accepted; returns false when absent.
     */
    /** Finds parameter {@code name} in a view of parameters (';'-led); an empty view has none. */
    static boolean find(final AsciiView params, final CharSequence name, final AsciiView into)
    {
        if (params.isEmpty())
        {
            into.reset();
            return false;
        }
        return find(params.buffer(), params.offset(), params.offset() + params.length(), name, into);
    }

    static boolean find(
        final DirectBuffer buffer, final int from, final int to, final CharSequence name, final AsciiView into)
    {
        int i = SipChars.skipLws(buffer, from, to);
        while (i < to && buffer.getByte(i) == ';')
        {
            final int nameStart = SipChars.skipLws(buffer, i + 1, to);
            final int nameEnd = skipName(buffer, nameStart, to);
            if (nameEnd == nameStart)
            {
                break;
            }
            int valueStart = nameEnd;
            int valueEnd = nameEnd;
            i = SipChars.skipLws(buffer, nameEnd, to);
            if (i < to && buffer.getByte(i) == '=')
            {
                valueStart = SipChars.skipLws(buffer, i + 1, to);
                valueEnd = Math.max(valueStart, skipValue(buffer, valueStart, to));
                i = SipChars.skipLws(buffer, valueEnd, to);
            }
            if (SipChars.equalsIgnoreCase(buffer, nameStart, nameEnd, name))
            {
                into.wrap(buffer, valueStart, valueEnd - valueStart);
                return true;
            }
        }
        into.reset();
        return false;
    }

    private static int skipName(final DirectBuffer buffer, final int from, final int to)
    {
        int i = from;
        while (i < to && SipChars.isParamChar(buffer.getByte(i)))
        {
            i++;
        }
        return i;
    }

    /** End of a value at {@code from}; {@code from} itself when there is none, -1 for an unterminated quote. */
    private static int skipValue(final DirectBuffer buffer, final int from, final int to)
    {
        if (from < to && buffer.getByte(from) == '"')
        {
            return SipChars.skipQuoted(buffer, from, to);
        }
        return skipName(buffer, from, to);
    }
}
