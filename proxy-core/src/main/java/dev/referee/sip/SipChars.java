package dev.referee.sip;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Character classes and small scanners of the RFC 3261 §25 grammar, over [from, to) ranges of a buffer.
 * Every scanner checks its bounds, so that a parser built on them never reads outside its range. They read a
 * {@code byte[]} whose indexes are the buffer's (see {@link ByteAccess}): plain array reads in tight loops.
 */
final class SipChars
{
    static final byte SP = ' ';
    static final byte HT = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final int NOT_FOUND = -1;
    static final int MAX_PORT = 65535;
    private static final int MAX_PORT_DIGITS = 5;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long COLONS = ':' * ONES;
    private static final long LINE_FEEDS = LF * ONES;
    private static final long LWS_BITS = 1L << SP | 1L << HT | 1L << CR | 1L << LF;

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] PARAM = new boolean[256];
    private static final boolean[] HOST = new boolean[256];
    private static final byte[] LOWER = new byte[256];

    static
    {
        for (int c = 'a'; c <= 'z'; c++)
        {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (int c = '0'; c <= '9'; c++)
        {
            TOKEN[c] = true;
        }
        for (final char c : "-.!%*_+`'~".toCharArray())
        {
            TOKEN[c] = true;
        }
        System.arraycopy(TOKEN, 0, PARAM, 0, 256);
        // uri-parameter names and values also allow param-unreserved "[]/:&+$" (RFC 3261 §25.1); values may be hosts.
        for (final char c : "[]/:&+$()".toCharArray())
        {
            PARAM[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            HOST[c] = true;
            HOST[c - 32] = true;
        }
        for (int c = '0'; c <= '9'; c++)
        {
            HOST[c] = true;
        }
        // '_' is not in the hostname rule but appears in deployed names; accepting it costs nothing.
        HOST['-'] = true;
        HOST['.'] = true;
        HOST['_'] = true;
        for (int c = 0; c < 256; c++)
        {
            LOWER[c] = (byte)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }

    private SipChars()
    {
    }

    static boolean isToken(final int b)
    {
        return TOKEN[b & 0xFF];
    }

    static boolean isParamChar(final int b)
    {
        return PARAM[b & 0xFF];
    }

    static boolean isHostChar(final int b)
    {
        return HOST[b & 0xFF];
    }

    static boolean isDigit(final int b)
    {
        // One unsigned compare instead of two: below '0' wraps to a large char.
        return (char)(b - '0') <= 9;
    }

    static boolean isHex(final int b)
    {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    /** Linear white space of a header value after unfolding: SP, HT and the CRLF of a fold (RFC 3261 §25.1). */
    static boolean isLws(final int b)
    {
        // One compare settles the usual byte (above SP); the four LWS bytes are bits of a constant.
        final int c = b & 0xFF;
        return c <= SP && ((LWS_BITS >>> c) & 1L) != 0;
    }

    static int skipLws(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        while (i < to && isLws(bytes[i]))
        {
            i++;
        }
        return i;
    }

    /** The end of [from, to) with trailing LWS removed. */
    static int trimEnd(final byte[] bytes, final int from, final int to)
    {
        int i = to;
        while (i > from && isLws(bytes[i - 1]))
        {
            i--;
        }
        return i;
    }

    static int skipToken(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        while (i < to && isToken(bytes[i]))
        {
            i++;
        }
        return i;
    }

    /**
     * From the opening quote at {@code from}, the index just after the closing quote of a quoted-string,
     * honouring quoted-pair escapes; {@link #NOT_FOUND} when it is not terminated before {@code to}.
     */
    static int skipQuoted(final byte[] bytes, final int from, final int to)
    {
        int i = from + 1;
        while (i < to)
        {
            i = indexOfAny(bytes, i, to, (byte)'"', (byte)'\\', (byte)'"');
            if (i < 0)
            {
                return NOT_FOUND;
            }
            if (bytes[i] == '"')
            {
                return i + 1;
            }
            i += 2;
        }
        return NOT_FOUND;
    }

    /**
     * The first index of {@code b} in [from, to), or {@link #NOT_FOUND}. Reads eight bytes at a time (SWAR: a byte
     * equal to {@code b} becomes zero after the XOR, and the zero-byte test finds the lowest one): line ends, commas
     * and delimiters are searched over whole header lines, where this is several times faster than a byte loop.
     */
    static int indexOf(final byte[] bytes, final int from, final int to, final byte b)
    {
        int i = from;
        if (to - i >= Long.BYTES)
        {
            final long pattern = (b & 0xFFL) * ONES;
            for (; i <= to - Long.BYTES; i += Long.BYTES)
            {
                final long zeros = zeroBytes((long)LONGS.get(bytes, i) ^ pattern);
                if (zeros != 0)
                {
                    // Little-endian: the lowest flagged byte is the first match (higher flags may be false ones).
                    return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
                }
            }
        }
        for (; i < to; i++)
        {
            if (bytes[i] == b)
            {
                return i;
            }
        }
        return NOT_FOUND;
    }

    /**
     * The first index in [from, to) of any of three bytes (repeat one to look for two), or {@link #NOT_FOUND}.
     * SWAR as {@link #indexOf}: the lowest flag of each test is exact, so the lowest flag of their union is too.
     */
    static int indexOfAny(final byte[] bytes, final int from, final int to, final byte a, final byte b, final byte c)
    {
        int i = from;
        if (to - i >= Long.BYTES)
        {
            final long patternA = (a & 0xFFL) * ONES;
            final long patternB = (b & 0xFFL) * ONES;
            final long patternC = (c & 0xFFL) * ONES;
            for (; i <= to - Long.BYTES; i += Long.BYTES)
            {
                final long word = (long)LONGS.get(bytes, i);
                final long zeros = zeroBytes(word ^ patternA) | zeroBytes(word ^ patternB) | zeroBytes(word ^ patternC);
                if (zeros != 0)
                {
                    return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
                }
            }
        }
        for (; i < to; i++)
        {
            final byte x = bytes[i];
            if (x == a || x == b || x == c)
            {
                return i;
            }
        }
        return NOT_FOUND;
    }

    /**
     * The index (0-15) of the first ':' or LF in the sixteen bytes {@code low} then {@code high} (as {@link #getLong}
     * reads them), 16 when there is none: where a header name ends, without a search loop for the usual name.
     */
    static int colonOrLineFeed(final long low, final long high)
    {
        final long inLow = zeroBytes(low ^ COLONS) | zeroBytes(low ^ LINE_FEEDS);
        final long inHigh = zeroBytes(high ^ COLONS) | zeroBytes(high ^ LINE_FEEDS);
        // The lowest flag of a word is exact; a word without a match has none (numberOfTrailingZeros(0) is 64).
        return inLow != 0 ? Long.numberOfTrailingZeros(inLow) >>> 3 :
            Long.BYTES + (Long.numberOfTrailingZeros(inHigh) >>> 3);
    }

    /** The high bit of each zero byte of {@code word} is set, and possibly of bytes above the lowest zero one. */
    private static long zeroBytes(final long word)
    {
        return (word - ONES) & ~word & HIGH_BITS;
    }

    /** Eight bytes at {@code index}, the first in the lowest bits. */
    static long getLong(final byte[] bytes, final int index)
    {
        return (long)LONGS.get(bytes, index);
    }

    /**
     * Up to eight characters of {@code text} from {@code from} as the word {@link #getLong} would read them (the first
     * in the lowest bits), zero past the text's end: what a constant is compared with.
     */
    static long wordOf(final CharSequence text, final int from)
    {
        long word = 0;
        for (int i = from, end = Math.min(text.length(), from + Long.BYTES); i < end; i++)
        {
            word |= (text.charAt(i) & 0xFFL) << (8 * (i - from));
        }
        return word;
    }

    /** A mask of a word's first {@code count} bytes (all eight from eight on). */
    static long firstBytesMask(final int count)
    {
        return count >= Long.BYTES ? -1L : (1L << (8 * count)) - 1;
    }

    /**
     * The eight bytes with A-Z lower-cased and every other byte unchanged: per byte, the high bit of
     * {@code heptet + 0x3F} says "at least 'A'" and of {@code heptet + 0x25} "above 'Z'" (no carry can cross bytes).
     */
    static long toLowerCase(final long word)
    {
        final long heptets = word & 0x7F7F_7F7F_7F7F_7F7FL;
        final long upper = (heptets + 0x3F3F_3F3F_3F3F_3F3FL) & ~(heptets + 0x2525_2525_2525_2525L) & ~word & HIGH_BITS;
        return word | (upper >>> 2);
    }

    /**
     * The port at {@code from}: its digits run to the first other byte (or {@code to}) and must be 1 to 5 of them,
     * at most 65535. Returns the end of the digits in the high half and the port (-1 when not one) in the low half:
     * one pass over the digits, where a scan for their end and then {@link #parseNumber} would make two.
     */
    static long portAt(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        int value = 0;
        while (i < to && isDigit(bytes[i]))
        {
            // More than five digits may overflow the value: they are refused by their count below.
            value = value * 10 + (bytes[i] - '0');
            i++;
        }
        final int digits = i - from;
        final int port = digits == 0 || digits > MAX_PORT_DIGITS || value > MAX_PORT ? -1 : value;
        return (long)i << 32 | (port & 0xFFFF_FFFFL);
    }

    /** The end of the digits read by {@link #portAt}. */
    static int portEnd(final long portAt)
    {
        return (int)(portAt >>> 32);
    }

    /** The port read by {@link #portAt}, -1 when not a valid one. */
    static int port(final long portAt)
    {
        return (int)portAt;
    }

    /** A decimal of 1..{@code maxDigits} digits over the whole range, at most {@code max}; -1 otherwise. */
    static long parseNumber(final byte[] bytes, final int from, final int to, final int maxDigits,
        final long max)
    {
        final int length = to - from;
        if (length <= 0 || length > maxDigits)
        {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final byte b = bytes[i];
            if (!isDigit(b))
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value <= max ? value : -1;
    }

    static boolean equalsIgnoreCase(final byte[] bytes, final int from, final int to, final CharSequence text)
    {
        if (to - from != text.length())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            final int expected = c >= 'A' && c <= 'Z' ? c + 32 : c;
            if (lower(bytes[from + i]) != expected)
            {
                return false;
            }
        }
        return true;
    }

    static boolean equalsExact(final byte[] bytes, final int from, final int to, final CharSequence text)
    {
        if (to - from != text.length())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            if ((bytes[from + i] & 0xFF) != text.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * True when [from, to) is an IPv6address as corrected by RFC 5954 §4.1 (at most one "::", 1-4 hex digits per
     * group, an optional dotted IPv4 tail); "2001:db8:::192.0.2.1" (RFC 5118 §4.10) is not one.
     */
    static boolean isIpv6(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        int groups = 0;
        boolean compressed = false;
        if (to - from >= 2 && bytes[i] == ':' && bytes[i + 1] == ':')
        {
            compressed = true;
            i += 2;
        }
        while (i < to)
        {
            final int groupStart = i;
            while (i < to && i - groupStart < 5 && isHex(bytes[i]))
            {
                i++;
            }
            if (i < to && bytes[i] == '.')
            {
                if (!isIpv4(bytes, groupStart, to))
                {
                    return false;
                }
                groups += 2;
                break;
            }
            final int digits = i - groupStart;
            if (digits == 0 || digits > 4)
            {
                return false;
            }
            groups++;
            if (i == to)
            {
                break;
            }
            if (bytes[i] != ':' || ++i == to)
            {
                return false;
            }
            if (bytes[i] == ':')
            {
                if (compressed)
                {
                    return false;
                }
                compressed = true;
                i++;
            }
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    /** True when [from, to) is a dotted-quad IPv4address (RFC 3261 §25.1). */
    static boolean isIpv4(final byte[] bytes, final int from, final int to)
    {
        int i = from;
        for (int octet = 0; octet < 4; octet++)
        {
            final int start = i;
            while (i < to && i - start < 4 && isDigit(bytes[i]))
            {
                i++;
            }
            if (parseNumber(bytes, start, i, 3, 255) < 0)
            {
                return false;
            }
            if (octet < 3)
            {
                if (i >= to || bytes[i] != '.')
                {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    /** The byte (0-255) with A-Z lower-cased; a table lookup, no branch. */
    static int lower(final int c)
    {
        return LOWER[c & 0xFF] & 0xFF;
    }

    // ---- DirectBuffer scanners, for StreamFramer, which frames a stream without a parser instance --------------

    static int skipLws(final DirectBuffer buffer, final int from, final int to)
    {
        int i = from;
        while (i < to && isLws(buffer.getByte(i)))
        {
            i++;
        }
        return i;
    }

    static int trimEnd(final DirectBuffer buffer, final int from, final int to)
    {
        int i = to;
        while (i > from && isLws(buffer.getByte(i - 1)))
        {
            i--;
        }
        return i;
    }

    static int skipToken(final DirectBuffer buffer, final int from, final int to)
    {
        int i = from;
        while (i < to && isToken(buffer.getByte(i)))
        {
            i++;
        }
        return i;
    }

    static int indexOf(final DirectBuffer buffer, final int from, final int to, final byte b)
    {
        for (int i = from; i < to; i++)
        {
            if (buffer.getByte(i) == b)
            {
                return i;
            }
        }
        return NOT_FOUND;
    }

    static long parseNumber(final DirectBuffer buffer, final int from, final int to, final int maxDigits,
        final long max)
    {
        final int length = to - from;
        if (length <= 0 || length > maxDigits)
        {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++)
        {
            final byte b = buffer.getByte(i);
            if (!isDigit(b))
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value <= max ? value : -1;
    }
}
