package dev.referee.engine.id;


/**
 * Tags, branches and Call-IDs. Their random part comes from an {@link IdStream} that is deterministic from its
 * starting point, so that replaying the same inputs gives the same identifiers, and unpredictable to anyone without
 * the key: {@link #keyed} (SipHash-2-4 over a counter, every node since format version 2 of the journal). A journal
 * of format version 1 replays with {@link #seeded}, the generator that wrote it (SplitMix64, predictable). Engine
 * thread only.
 * <p>
 * Local tags and branches carry the numeric id of the leg or transaction they belong to, in hex before a '-', so
 * that an incoming message is matched with one map lookup and no String is made (see {@link #idOf}); the random
 * part after the '-' must match too, so it is what makes a tag or branch unguessable.
 * <p>
 * Keyed layouts: a tag is "legIdHex-" then 16 hex digits (one 64-bit PRF block), a branch the RFC 3261 magic cookie
 * then "idHex-" and 16 hex digits (one block), a Call-ID 32 hex digits (two blocks) then "@referee". Seeded layouts
 * (version 1) are as they always were: 8 digits (32 bits) in tags and branches, 16 + 8 in Call-IDs.
 */
public final class IdGenerator
{
    public static final String BRANCH_COOKIE = "z9hG4bK";
    private static final String CALL_ID_HOST = "@referee";
    /** Hex digits of one whole 64-bit block. */
    static final int BLOCK_DIGITS = 16;
    private static final int VERSION_1_TAG_DIGITS = 8;
    /** Where {@link #sdpSessionId} indexes the stream: far past any counter value {@link #next} ever uses. */
    private static final long SDP_SESSION_ID_INDEX = 1L << 62;
    /** Domain of {@link #draw}: bit 61, below the SDP session ids and far beyond any counter. */
    private static final long DRAW_INDEX = 1L << 61;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final IdStream stream;
    /** Random hex digits after the '-' of a tag or branch. */
    private final int tagDigits;
    /** Hex digits taken from the second block of a Call-ID. */
    private final int callIdTailDigits;
    private final StringBuilder builder = new StringBuilder(64);

    private IdGenerator(final IdStream stream, final int tagDigits, final int callIdTailDigits)
    {
        this.stream = stream;
        this.tagDigits = tagDigits;
        this.callIdTailDigits = callIdTailDigits;
    }

    /** Identifiers from the SipHash-2-4 key stream of {@code key}, counter at 0: what every new journal uses. */
    public static IdGenerator keyed(final IdKey key)
    {
        return new IdGenerator(new KeyedIdStream(key), BLOCK_DIGITS, BLOCK_DIGITS);
    }

    /** Identifiers as format version 1 made them, from {@code seed}: only to replay a journal of that version. */
    public static IdGenerator seeded(final long seed)
    {
        return new IdGenerator(new SeededIdStream(seed), VERSION_1_TAG_DIGITS, VERSION_1_TAG_DIGITS);
    }

    /** Keyed when there is a key, else seeded: a journal of format version 1 recorded a seed and no key. */
    public static IdGenerator of(final IdKey key, final long seed)
    {
        return key != null ? keyed(key) : seeded(seed);
    }

    /**
     * The generator's position (for a snapshot): the counter of a keyed generator, the SplitMix64 state of a seeded
     * one. The key is not in it: it comes with the configuration.
     */
    public long state()
    {
        return stream.position();
    }

    /** Continues from a position {@link #state()} returned (restoring a snapshot). */
    public void state(final long state)
    {
        stream.position(state);
    }

    /** A local tag for leg {@code legId}: "legIdHex-random" (RFC 3261 §19.3 wants 32 random bits at least). */
    public String tag(final long legId)
    {
        builder.setLength(0);
        appendHex(builder, legId).append('-');
        appendHexFixed(builder, stream.next(), tagDigits);
        return builder.toString();
    }

    /** A branch for client transaction {@code transactionId}: the RFC 3261 magic cookie, then "idHex-random". */
    public String branch(final long transactionId)
    {
        builder.setLength(0);
        builder.append(BRANCH_COOKIE);
        appendHex(builder, transactionId).append('-');
        appendHexFixed(builder, stream.next(), tagDigits);
        return builder.toString();
    }

    /** A Call-ID that reveals nothing of either side. */
    public String callId()
    {
        builder.setLength(0);
        appendHexFixed(builder, stream.next(), BLOCK_DIGITS);
        appendHexFixed(builder, stream.next(), callIdTailDigits);
        return builder.append(CALL_ID_HOST).toString();
    }

    /**
     * The SDP session id (RFC 4566 §5.2 sess-id) of the origin Referee presents on leg {@code legId}: one PRF block
     * at an index the counter never reaches (bit 62 set: 2^62 identifiers away), so it is the same every time it is
     * asked for, after a restore too, and tells the peer nothing about the leg id or the number of calls. 63 bits,
     * so that a parser that reads it into a signed 64-bit number still can.
     */
    public long sdpSessionId(final long legId)
    {
        return stream.blockAt(SDP_SESSION_ID_INDEX | legId) >>> 1;
    }

    /**
     * A number the peers cannot predict but a replay draws again: one PRF block at {@code index} in a domain of its own
     * (bit 61 set, away from the counter and from {@link #sdpSessionId}), e.g. RFC 3261 §14.1's retry delay after a
     * 491, which must be random (two UAs in glare must not retry in step) and replayable. {@code purpose} (one of the
     * DRAW_ constants) keeps the draws of different uses apart; {@code index} (56 bits) numbers the draws of one use.
     */
    public long draw(final int purpose, final long index)
    {
        return stream.blockAt(DRAW_INDEX | (long)(purpose & DRAW_PURPOSES) << 56 | index & DRAW_INDEXES) >>> 1;
    }

    /** {@link #draw} purposes: each its own part of the domain, so that two uses never share a draw. */
    public static final int DRAW_GLARE = 1;
    public static final int DRAW_ROUTE_TARGET = 2;
    /** The first RSeq of a leg's reliable provisionals (RFC 3262 §3), indexed by the leg id. */
    public static final int DRAW_RSEQ = 3;
    private static final int DRAW_PURPOSES = 0x1F;
    private static final long DRAW_INDEXES = (1L << 56) - 1;

    /** True for a Call-ID this generator made ({@link #callId}): Referee is the owner of that Call-ID. */
    public static boolean madeCallId(final CharSequence callId)
    {
        final int n = callId.length();
        final int m = CALL_ID_HOST.length();
        return n > m && callId.subSequence(n - m, n).toString().equals(CALL_ID_HOST);
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
