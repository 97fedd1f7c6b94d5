package dev.referee.engine;

/**
 * Tags, branches and Call-IDs from a seeded generator (SplitMix64), so that replaying the same inputs from the
 * same seed gives the same identifiers. Engine thread only.
 * <p>
 * Local tags and branches carry the numeric id of the leg or transaction they belong to, in hex before a '-', so
 * that an incoming message is matched with one map lookup and no String is made (see {@link #idOf}).
 */
public final class IdGenerator
{
    public static final String BRANCH_COOKIE = "z9hG4bK";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private long state;
    private final StringBuilder builder = new StringBuilder(64);

    public IdGenerator(final long seed)
    {
        this.state = seed;
    }

    /** The generator's whole state (for a snapshot). */
    public long state()
    {
        return state;
    }

    /** Continues from a state {@link #state()} returned (restoring a snapshot). */
    public void state(final long state)
    {
        this.state = state;
    }

    public long nextLong()
    {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A local tag for leg {@code legId}: "legIdHex-random" (RFC 3261 §19.3 wants 32 random bits at least). */
    public String tag(final long legId)
    {
        builder.setLength(0);
        appendHex(builder, legId).append('-');
        appendHexFixed(builder, nextLong(), 8);
        return builder.toString();
    }

    /** A branch for client transaction {@code transactionId}: the RFC 3261 magic cookie, then "idHex-random". */
    public String branch(final long transactionId)
    {
        builder.setLength(0);
        builder.append(BRANCH_COOKIE);
        appendHex(builder, transactionId).append('-');
        appendHexFixed(builder, nextLong(), 8);
        return builder.toString();
    }

    /** A Call-ID that reveals nothing of either side. */
    public String callId()
    {
        builder.setLength(0);
        appendHexFixed(builder, nextLong(), 16);
        appendHexFixed(builder, nextLong(), 8);
        return builder.append("@referee").toString();
    }

    /**
     * The id in a tag or branch this generator made ({@code prefixLength} = 0 for tags, the cookie length for
     * branches); -1 when the text is not one of ours.
     */
    public static long idOf(final CharSequence text, final int prefixLength)
    {
        long id = 0;
        int digits = 0;
        for (int i = prefixLength, n = text.length(); i < n; i++)
        {
            final char c = text.charAt(i);
            if (c == '-')
            {
                return digits == 0 ? -1 : id;
            }
            final int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0 || ++digits > 15)
            {
                return -1;
            }
            id = (id << 4) | v;
        }
        return -1;
    }

    private static StringBuilder appendHex(final StringBuilder sb, final long value)
    {
        final int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(value)) / 4);
        for (int i = digits - 1; i >= 0; i--)
        {
            sb.append(HEX[(int)((value >>> (i * 4)) & 0xF)]);
        }
        return sb;
    }

    private static void appendHexFixed(final StringBuilder sb, final long value, final int digits)
    {
        for (int i = digits - 1; i >= 0; i--)
        {
            sb.append(HEX[(int)((value >>> (i * 4)) & 0xF)]);
        }
    }
}
