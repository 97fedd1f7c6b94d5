package dev.referee.journal;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * What an output-digest record keeps of a message Referee sent instead of its bytes: the first line, the Call-ID and
 * a 64-bit hash of the whole message (docs/journal-format.md, "output-digest"). The engine is deterministic, so a
 * replay rebuilds the message; the hash proves the rebuilt one is the one sent. The hash is not a secret and not
 * collision-resistant against an adversary (the adversary would have to control what Referee sends): it detects a
 * replay that diverged.
 * <p>
 * Its function is part of the journal format and never changes: 8-byte little-endian words, each mixed in with a
 * multiply and a rotate, then the remaining bytes one at a time, then the length, then the finaliser of
 * MurmurHash3's 64-bit variant (public-domain constants).
 */
public final class OutputDigest
{
    private static final long SEED = 0x5245464552454531L; // "REFEREE1"
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xC2B2AE3D27D4EB4FL;
    private static final long FMIX1 = 0xFF51AFD7ED558CCDL;
    private static final long FMIX2 = 0xC4CEB9FE1A85EC53L;
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Longest first line or Call-ID kept; longer ones are cut (the hash still covers every byte). */
    static final int MAX_TEXT = 512;

    private OutputDigest()
    {
    }

    public static long hash(final DirectBuffer data, final int offset, final int length)
    {
        long h = SEED;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            h = Long.rotateLeft(h ^ (data.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) * M1), 29) * M2;
        }
        for (; i < length; i++)
        {
            h = Long.rotateLeft(h ^ ((data.getByte(offset + i) & 0xFFL) * M1), 11) * M2;
        }
        h ^= length;
        h ^= h >>> 33;
        h *= FMIX1;
        h ^= h >>> 33;
        h *= FMIX2;
        h ^= h >>> 33;
        return h;
    }

    /** Length of the first line (request or status line), without its CRLF. */
    static int firstLineLength(final DirectBuffer data, final int offset, final int length)
    {
        int end = 0;
        while (end < length)
        {
            final byte b = data.getByte(offset + end);
            if (b == '\r' || b == '\n')
            {
                break;
            }
            end++;
        }
        return Math.min(end, MAX_TEXT);
    }

    /**
     * Where the Call-ID header's value is, as {@code start << 32 | length} relative to {@code offset} (0 when the
     * message has none): the header's long name or its compact form {@code i}, any case, in the header section only.
     */
    static long callIdValue(final DirectBuffer data, final int offset, final int length)
    {
        int line = lineAfter(data, offset, 0, length);
        while (line < length)
        {
            final byte first = data.getByte(offset + line);
            if (first == '\r' || first == '\n')
            {
                return 0; // end of the header section
            }
            final int lower = first | 0x20;
            final int colon = lower == 'c' || lower == 'i' ? nameEnd(data, offset, line, length) : -1;
            if (colon > 0 && isCallId(data, offset + line, colon - line))
            {
                int start = colon + 1;
                while (start < length && (data.getByte(offset + start) == ' ' || data.getByte(offset + start) == '\t'))
                {
                    start++;
                }
                int end = start;
                while (end < length && data.getByte(offset + end) != '\r' && data.getByte(offset + end) != '\n')
                {
                    end++;
                }
                while (end > start && data.getByte(offset + end - 1) == ' ')
                {
                    end--;
                }
                return (long)start << 32 | Math.min(end - start, MAX_TEXT);
            }
            line = lineAfter(data, offset, line, length);
        }
        return 0;
    }

    /**
     * Start of the line after the one at {@code from}: eight bytes at a time (the lowest byte of a word that is a line
     * feed, found without a branch per byte), then byte by byte at the end. Every message Referee sends is scanned so.
     */
    private static int lineAfter(final DirectBuffer data, final int offset, final int from, final int length)
    {
        int i = from;
        for (; i + Long.BYTES <= length; i += Long.BYTES)
        {
            final long word = data.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) ^ LINE_FEEDS;
            final long zeroBytes = (word - LOW_BITS) & ~word & HIGH_BITS;
            if (zeroBytes != 0)
            {
                return i + (Long.numberOfTrailingZeros(zeroBytes) >>> 3) + 1;
            }
        }
        while (i < length && data.getByte(offset + i) != '\n')
        {
            i++;
        }
        return i + 1;
    }

    /** Position of the colon ending the header name that starts at {@code line} (names and blanks before it); -1. */
    private static int nameEnd(final DirectBuffer data, final int offset, final int line, final int length)
    {
        for (int i = line; i < length; i++)
        {
            final byte b = data.getByte(offset + i);
            if (b == ':')
            {
                return i;
            }
            if (b == '\r' || b == '\n')
            {
                return -1;
            }
        }
        return -1;
    }

    /** "Call-ID" or "i", any case, blanks before the colon allowed. */
    private static boolean isCallId(final DirectBuffer data, final int at, final int nameLength)
    {
        int length = nameLength;
        while (length > 0 && (data.getByte(at + length - 1) == ' ' || data.getByte(at + length - 1) == '\t'))
        {
            length--;
        }
        if (length == 1)
        {
            return (data.getByte(at) | 0x20) == 'i';
        }
        if (length != 7)
        {
            return false;
        }
        final String name = "call-id";
        for (int i = 0; i < 7; i++)
        {
            if ((data.getByte(at + i) | 0x20) != name.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
