package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Scans {@code *( LWS? ";" LWS? name [ LWS? "=" LWS? value ] ) LWS?} ranges: header parameters (generic-param,
 * RFC 3261 §25.1, where LWS may surround ';' and '=') and, as a stricter subset, URI parameters.
 * Values are tokens, hosts (IPv6 references included) or quoted strings.
 * Scanners read {@code bytes} (indexes as in the buffer, see {@link ByteAccess}); views are wrapped over the buffer.
 */
final class Params
{
    /** Where the parameter last read by {@link #next} lies: its name and its value (empty for a flag). */
    static final class Param
    {
        int nameStart;
        int nameEnd;
        int valueStart;
        int valueEnd;

        /** Case-insensitive comparison of the name with a constant: one word compare where the array has room. */
        boolean nameIs(final byte[] bytes, final ShortName name)
        {
            if (nameEnd - nameStart != name.length)
            {
                return false;
            }
            if (nameStart + Long.BYTES > bytes.length)
            {
                return SipChars.equalsIgnoreCase(bytes, nameStart, nameEnd, name.text);
            }
            return (SipChars.toLowerCase(SipChars.getLong(bytes, nameStart)) & name.mask) == name.word;
        }

        int valueLength()
        {
            return valueEnd - valueStart;
        }
    }

    /** A lower-case parameter name of at most eight letters, kept also as the word {@link SipChars#getLong} reads. */
    static final class ShortName
    {
        final String text;
        final int length;
        final long word;
        final long mask;

        ShortName(final String lowerCaseText)
        {
            if (lowerCaseText.length() > Long.BYTES)
            {
                throw new IllegalArgumentException("longer than a word: " + lowerCaseText);
            }
            text = lowerCaseText;
            length = lowerCaseText.length();
            word = SipChars.wordOf(lowerCaseText, 0);
            mask = SipChars.firstBytesMask(length);
        }
    }

    private Params()
    {
    }

    /** True when [from, to) is a well formed parameter list (possibly empty); every name must be non-empty. */
    static boolean valid(final byte[] bytes, final int from, final int to)
    {
        int i = SipChars.skipLws(bytes, from, to);
        while (i < to)
        {
            i = next(bytes, i, to, null);
            if (i < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the parameter whose ';' is at {@code from} into {@code into} (may be null) and returns where the next
     * one starts (or {@code to}); -1 when malformed. One call per parameter lets a view validate and pick out the
     * parameters it keeps in a single pass.
     */
    static int next(final byte[] bytes, final int from, final int to, final Param into)
    {
        if (from >= to || bytes[from] != ';')
        {
            return -1;
        }
        final int nameStart = SipChars.skipLws(bytes, from + 1, to);
        final int nameEnd = skipName(bytes, nameStart, to);
        if (nameEnd == nameStart)
        {
            return -1;
        }
        int valueStart = nameEnd;
        int valueEnd = nameEnd;
        int i = SipChars.skipLws(bytes, nameEnd, to);
        if (i < to && bytes[i] == '=')
        {
            valueStart = SipChars.skipLws(bytes, i + 1, to);
            valueEnd = skipValue(bytes, valueStart, to);
            if (valueEnd <= valueStart)
            {
                return -1;
            }
            i = SipChars.skipLws(bytes, valueEnd, to);
        }
        if (into != null)
        {
            into.nameStart = nameStart;
            into.nameEnd = nameEnd;
            into.valueStart = valueStart;
            into.valueEnd = valueEnd;
        }
        return i;
    }

    /** Finds parameter {@code name} in a view of parameters (';'-led) over {@code bytes}; an empty view has none. */
    static boolean find(final AsciiView params, final byte[] bytes, final CharSequence name, final AsciiView into)
    {
        if (params.isEmpty())
        {
            into.reset();
            return false;
        }
        return find(params.buffer(), bytes, params.offset(), params.offset() + params.length(), name, into);
    }

    /**
     * Points {@code into} at the value of parameter {@code name} (case-insensitive; quotes kept; empty for a flag).
     * Assumes a range that {@link #valid} accepted; returns false when absent.
     */
    static boolean find(final DirectBuffer buffer, final byte[] bytes, final int from, final int to,
        final CharSequence name, final AsciiView into)
    {
        int i = SipChars.skipLws(bytes, from, to);
        while (i < to && bytes[i] == ';')
        {
            final int nameStart = SipChars.skipLws(bytes, i + 1, to);
            final int nameEnd = skipName(bytes, nameStart, to);
            if (nameEnd == nameStart)
            {
                break;
            }
            int valueStart = nameEnd;
            int valueEnd = nameEnd;
            i = SipChars.skipLws(bytes, nameEnd, to);
            if (i < to && bytes[i] == '=')
            {
                valueStart = SipChars.skipLws(bytes, i + 1, to);
                valueEnd = Math.max(valueStart, skipValue(bytes, valueStart, to));
                i = SipChars.skipLws(bytes, valueEnd, to);
            }
            if (SipChars.equalsIgnoreCase(bytes, nameStart, nameEnd, name))
            {
                into.wrap(buffer, valueStart, valueEnd - valueStart);
                return true;
            }
        }
        into.reset();
        return false;
    }

    private static int skipName(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        while (i < to && SipChars.isParamChar(bytes[i]))
        {
            i++;
        }
        return i;
    }

    /** End of a value at {@code from}; {@code from} itself when there is none, -1 for an unterminated quote. */
    private static int skipValue(final byte[] bytes, final int from, final int to)
    {
        if (from < to && bytes[from] == '"')
        {
            return SipChars.skipQuoted(bytes, from, to);
        }
        return skipName(bytes, from, to);
    }
}
