package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Header ids. Names are looked up case-insensitively, compact forms included (RFC 3261 §7.3.3, and every other
 * compact form IANA registers: see {@code COMPACT_LETTERS}).
 * Headers Referee does not know get {@link #OTHER} and keep their original name text.
 */
public final class HeaderName
{
    public static final int OTHER = 0;
    public static final int VIA = 1;               // v
    public static final int FROM = 2;              // f
    public static final int TO = 3;                // t
    public static final int CALL_ID = 4;           // i
    public static final int CSEQ = 5;
    public static final int CONTACT = 6;           // m
    public static final int MAX_FORWARDS = 7;
    public static final int CONTENT_LENGTH = 8;    // l
    public static final int CONTENT_TYPE = 9;      // c
    public static final int ROUTE = 10;
    public static final int RECORD_ROUTE = 11;
    public static final int REFER_TO = 12;         // r
    public static final int REFERRED_BY = 13;      // b
    public static final int REPLACES = 14;
    public static final int EVENT = 15;            // o
    public static final int SUBSCRIPTION_STATE = 16;
    public static final int ALLOW = 17;
    public static final int SUPPORTED = 18;        // k
    public static final int REQUIRE = 19;
    public static final int PROXY_REQUIRE = 20;
    public static final int UNSUPPORTED = 21;
    public static final int EXPIRES = 22;
    public static final int CONTENT_ENCODING = 23; // e
    public static final int ACCEPT = 24;
    public static final int WARNING = 25;
    public static final int REASON = 26;
    public static final int REFER_SUB = 27;
    public static final int USER_AGENT = 28;
    public static final int SERVER = 29;
    public static final int ALLOW_EVENTS = 30;     // u
    public static final int SUBJECT = 31;          // s
    public static final int AUTHORIZATION = 32;
    public static final int PROXY_AUTHORIZATION = 33;
    public static final int WWW_AUTHENTICATE = 34;
    public static final int PROXY_AUTHENTICATE = 35;
    public static final int DATE = 36;
    public static final int RSEQ = 37;
    public static final int RACK = 38;
    public static final int SESSION_EXPIRES = 39;  // x
    public static final int MIN_SE = 40;
    public static final int CONTENT_DISPOSITION = 41;
    public static final int MIME_VERSION = 42;
    public static final int P_ASSERTED_IDENTITY = 43;
    public static final int TARGET_DIALOG = 44;
    public static final int RETRY_AFTER = 45;
    public static final int TIMESTAMP = 46;
    public static final int ORGANIZATION = 47;
    public static final int PRIORITY = 48;
    public static final int ACCEPT_ENCODING = 49;
    public static final int ACCEPT_LANGUAGE = 50;
    public static final int CONTENT_LANGUAGE = 51;
    public static final int IN_REPLY_TO = 52;
    public static final int ALERT_INFO = 53;
    public static final int CALL_INFO = 54;
    public static final int ERROR_INFO = 55;
    public static final int REPLY_TO = 56;
    public static final int MIN_EXPIRES = 57;
    public static final int PRIVACY = 58;
    public static final int P_PREFERRED_IDENTITY = 59;
    public static final int ACCEPT_CONTACT = 60;      // a
    public static final int REJECT_CONTACT = 61;      // j
    public static final int REQUEST_DISPOSITION = 62; // d
    public static final int IDENTITY = 63;            // y
    public static final int IDENTITY_INFO = 64;       // n
    /** One more than the highest id: size for per-header tables. */
    public static final int COUNT = 65;

    private static final String[] CANONICAL = {
        "", "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length", "Content-Type",
        "Route", "Record-Route", "Refer-To", "Referred-By", "Replaces", "Event", "Subscription-State", "Allow",
        "Supported", "Require", "Proxy-Require", "Unsupported", "Expires", "Content-Encoding", "Accept", "Warning",
        "Reason", "Refer-Sub", "User-Agent", "Server", "Allow-Events", "Subject", "Authorization",
        "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate", "Date", "RSeq", "RAck", "Session-Expires",
        "Min-SE", "Content-Disposition", "MIME-Version", "P-Asserted-Identity", "Target-Dialog", "Retry-After",
        "Timestamp", "Organization", "Priority", "Accept-Encoding", "Accept-Language", "Content-Language",
        "In-Reply-To", "Alert-Info", "Call-Info", "Error-Info", "Reply-To", "Min-Expires", "Privacy",
        "P-Preferred-Identity", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Identity",
        "Identity-Info" };

    /**
     * Compact forms: RFC 3261 §7.3.3, RFC 3515 (r), RFC 3892 (b), RFC 3265 (o, u), RFC 4028 (x), RFC 3841 (a, j, d),
     * RFC 8224 (y), RFC 4474 (n): every one IANA registers, so that no header reaches a decision under a letter that
     * hides its name (a compact Accept-Contact must meet the rules of Accept-Contact).
     */
    private static final String COMPACT_LETTERS = "ivftmlckseorbuxajdyn";
    private static final int[] COMPACT_IDS = {
        CALL_ID, VIA, FROM, TO, CONTACT, CONTENT_LENGTH, CONTENT_TYPE, SUPPORTED, SUBJECT, CONTENT_ENCODING, EVENT,
        REFER_TO, REFERRED_BY, ALLOW_EVENTS, SESSION_EXPIRES, ACCEPT_CONTACT, REJECT_CONTACT, REQUEST_DISPOSITION,
        IDENTITY, IDENTITY_INFO };

    /**
     * Values of these headers are comma-separated lists (RFC 3261 §7.3.1). Headers whose values may hold
     * unquoted commas (Date, the authentication headers) are deliberately absent.
     */
    private static final int[] LIST_IDS = {
        VIA, CONTACT, ROUTE, RECORD_ROUTE, ALLOW, SUPPORTED, REQUIRE, PROXY_REQUIRE, UNSUPPORTED, CONTENT_ENCODING,
        ACCEPT, WARNING, REASON, ALLOW_EVENTS, P_ASSERTED_IDENTITY, ACCEPT_ENCODING, ACCEPT_LANGUAGE,
        CONTENT_LANGUAGE, IN_REPLY_TO, ALERT_INFO, CALL_INFO, ERROR_INFO, P_PREFERRED_IDENTITY };

    /** Open-addressing table of lower-cased names, slot by {@link #hash}; a power of two above twice the entries. */
    private static final int TABLE_MASK = 255;
    private static final byte[][] TABLE_KEYS = new byte[TABLE_MASK + 1][];
    private static final int[] TABLE_IDS = new int[TABLE_MASK + 1];
    /** The same keys as little-endian longs, zero-padded: compared eight letters at a time. */
    private static final long[][] TABLE_WORDS = new long[TABLE_MASK + 1][];
    private static final boolean[] LIST = new boolean[COUNT];

    /**
     * The same names for {@link #lookup(byte[], int, int)}: slot by the first eight letters lower-cased (one read, no
     * per-letter work) and the length, the letters as up to three little-endian words per slot in flat arrays, so a
     * match is one to three compares of words already loaded. A length of 0 marks an empty slot.
     */
    private static final int WORD_TABLE_MASK = 255;
    private static final int[] WORD_LENGTHS = new int[WORD_TABLE_MASK + 1];
    private static final int[] WORD_IDS = new int[WORD_TABLE_MASK + 1];
    private static final long[] WORDS = new long[3 * (WORD_TABLE_MASK + 1)];
    /** The longest known name (Proxy-Authorization, P-Preferred-Identity...): longer is {@link #OTHER} at once. */
    private static int maxLength;

    static
    {
        for (int id = 1; id < COUNT; id++)
        {
            put(CANONICAL[id], id);
        }
        for (int i = 0; i < COMPACT_LETTERS.length(); i++)
        {
            put(String.valueOf(COMPACT_LETTERS.charAt(i)), COMPACT_IDS[i]);
        }
        for (final int id : LIST_IDS)
        {
            LIST[id] = true;
        }
    }

    private HeaderName()
    {
    }

    /** The id of the header whose name is at [offset, offset+length); {@link #OTHER} when unknown. */
    public static int lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0)
        {
            return OTHER;
        }
        final int hash = hash(length, lower(buffer.getByte(offset)), lower(buffer.getByte(offset + length - 1)));
        for (int slot = hash; ; slot = (slot + 1) & TABLE_MASK)
        {
            final byte[] key = TABLE_KEYS[slot];
            if (key == null)
            {
                return OTHER;
            }
            if (key.length == length && matches(key, buffer, offset))
            {
                return TABLE_IDS[slot];
            }
        }
    }

    /** As {@link #lookup(DirectBuffer, int, int)} over an array. */
    static int lookup(final byte[] bytes, final int offset, final int length)
    {
        if (length <= 0 || length > maxLength)
        {
            return OTHER;
        }
        final int words = (length + Long.BYTES - 1) / Long.BYTES;
        if (offset + words * Long.BYTES > bytes.length)
        {
            return lookupNearEnd(bytes, offset, length);
        }
        final long first = word(bytes, offset, length, 0);
        for (int slot = wordHash(first, length); ; slot = (slot + 1) & WORD_TABLE_MASK)
        {
            final int slotLength = WORD_LENGTHS[slot];
            if (slotLength == 0)
            {
                return OTHER;
            }
            if (slotLength == length && WORDS[3 * slot] == first &&
                (words < 2 || WORDS[3 * slot + 1] == word(bytes, offset, length, 1)) &&
                (words < 3 || WORDS[3 * slot + 2] == word(bytes, offset, length, 2)))
            {
                return WORD_IDS[slot];
            }
        }
    }

    /**
     * As {@link #lookup(byte[], int, int)} for a name of 1 to 15 letters already read as the words {@code low} and
     * {@code high} (as {@link SipChars#getLong} reads them, the bytes after the name anything): the key is built from
     * them without reading the name again. A slot's second word is zero for a name of eight letters or fewer.
     */
    static int lookup(final long low, final long high, final int length)
    {
        final long first = SipChars.toLowerCase(low) & SipChars.firstBytesMask(length);
        final long second = length > Long.BYTES ?
            SipChars.toLowerCase(high) & SipChars.firstBytesMask(length - Long.BYTES) : 0;
        for (int slot = wordHash(first, length); ; slot = (slot + 1) & WORD_TABLE_MASK)
        {
            final int slotLength = WORD_LENGTHS[slot];
            if (slotLength == 0)
            {
                return OTHER;
            }
            if (slotLength == length && WORDS[3 * slot] == first && WORDS[3 * slot + 1] == second)
            {
                return WORD_IDS[slot];
            }
        }
    }

    /** A name whose last word would be read past the array's end: compared letter by letter. */
    private static int lookupNearEnd(final byte[] bytes, final int offset, final int length)
    {
        final int hash = hash(length, lower(bytes[offset]), lower(bytes[offset + length - 1]));
        for (int slot = hash; ; slot = (slot + 1) & TABLE_MASK)
        {
            final byte[] key = TABLE_KEYS[slot];
            if (key == null)
            {
                return OTHER;
            }
            if (key.length == length && matches(TABLE_WORDS[slot], key, bytes, offset))
            {
                return TABLE_IDS[slot];
            }
        }
    }

    /** The canonical (long) name of a known header, e.g. "Call-ID" for {@link #CALL_ID}. */
    public static String canonicalName(final int id)
    {
        return id > OTHER && id < COUNT ? CANONICAL[id] : "";
    }

    /** True for headers whose values are comma-separated lists that the parser splits (Via, Route, Contact...). */
    public static boolean isList(final int id)
    {
        return id > OTHER && id < COUNT && LIST[id];
    }

    /** Enters a lower-cased name of {@code length} letters, given as its {@code words}, in the word table. */
    private static void putWords(final long[] words, final int length, final int id)
    {
        if (words.length > 3)
        {
            throw new IllegalStateException("a known header name of more than three words: " + length + " letters");
        }
        int slot = wordHash(words[0], length);
        while (WORD_LENGTHS[slot] != 0)
        {
            slot = (slot + 1) & WORD_TABLE_MASK;
        }
        WORD_LENGTHS[slot] = length;
        WORD_IDS[slot] = id;
        System.arraycopy(words, 0, WORDS, 3 * slot, words.length);
        maxLength = Math.max(maxLength, length);
    }

    private static int wordHash(final long firstWord, final int length)
    {
        return (int)(((firstWord ^ length) * 0x9E37_79B9_7F4A_7C15L) >>> 56) & WORD_TABLE_MASK;
    }

    /** The lower-cased name's word {@code w} (eight bytes from {@code offset + 8w}), bytes past the name zero. */
    private static long word(final byte[] bytes, final int offset, final int length, final int w)
    {
        return SipChars.toLowerCase(SipChars.getLong(bytes, offset + w * Long.BYTES)) &
            SipChars.firstBytesMask(length - w * Long.BYTES);
    }

    private static void put(final String name, final int id)
    {
        final byte[] key = new byte[name.length()];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)lower((byte)name.charAt(i));
        }
        int slot = hash(key.length, key[0], key[key.length - 1]);
        while (TABLE_KEYS[slot] != null)
        {
            slot = (slot + 1) & TABLE_MASK;
        }
        TABLE_KEYS[slot] = key;
        TABLE_IDS[slot] = id;
        final String lowerCase = new String(key, java.nio.charset.StandardCharsets.ISO_8859_1);
        final long[] words = new long[(key.length + Long.BYTES - 1) / Long.BYTES];
        for (int w = 0; w < words.length; w++)
        {
            words[w] = SipChars.wordOf(lowerCase, w * Long.BYTES);
        }
        TABLE_WORDS[slot] = words;
        putWords(words, key.length, id);
    }

    private static boolean matches(final byte[] key, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (key[i] != lower(buffer.getByte(offset + i)))
            {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive match of a name at {@code offset} with a key, a word at a time when the array allows. */
    private static boolean matches(final long[] words, final byte[] key, final byte[] bytes, final int offset)
    {
        if (offset + words.length * Long.BYTES > bytes.length)
        {
            return matches(key, bytes, offset);
        }
        final int last = words.length - 1;
        for (int w = 0; w < last; w++)
        {
            if (SipChars.toLowerCase(SipChars.getLong(bytes, offset + w * Long.BYTES)) != words[w])
            {
                return false;
            }
        }
        // Bytes after the name (':' and on) are masked off; the key's padding is zero.
        final int tail = key.length - last * Long.BYTES;
        final long mask = tail == Long.BYTES ? -1L : (1L << (8 * tail)) - 1;
        return SipChars.toLowerCase(SipChars.getLong(bytes, offset + last * Long.BYTES) & mask) == words[last];
    }

    private static boolean matches(final byte[] key, final byte[] bytes, final int offset)
    {
        for (int i = 0; i < key.length; i++)
        {
            if (key[i] != lower(bytes[offset + i]))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Slot from the length and the first and last letters, lower-cased: no pass over the whole name before the one
     * that compares it, and the known names (lengths 1 to 19) rarely share a slot.
     */
    private static int hash(final int length, final int first, final int last)
    {
        final int hash = length * 0x9E37 + first * 31 + last * 7;
        return (hash ^ (hash >>> 8)) & TABLE_MASK;
    }

    private static int lower(final byte b)
    {
        return SipChars.lower(b);
    }
}
