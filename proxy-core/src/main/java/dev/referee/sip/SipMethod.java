package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * SIP methods as bit flags, so that a set of methods (an Allow list, what a handler accepts) is one int.
 */
public final class SipMethod
{
    public static final int UNKNOWN = 0;
    public static final int INVITE = 1;
    public static final int ACK = 1 << 1;
    public static final int BYE = 1 << 2;
    public static final int CANCEL = 1 << 3;
    public static final int OPTIONS = 1 << 4;
    public static final int REGISTER = 1 << 5;
    public static final int PRACK = 1 << 6;
    public static final int SUBSCRIBE = 1 << 7;
    public static final int NOTIFY = 1 << 8;
    public static final int PUBLISH = 1 << 9;
    public static final int INFO = 1 << 10;
    public static final int REFER = 1 << 11;
    public static final int MESSAGE = 1 << 12;
    public static final int UPDATE = 1 << 13;

    private static final int[] ALL = {
        INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE };
    private static final String[] NAMES = {
        "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO",
        "REFER", "MESSAGE", "UPDATE" };

    /** Each name's first eight letters as the little-endian word {@link SipChars#getLong} reads, zero-padded. */
    private static final long[] FIRST_WORDS = new long[NAMES.length];

    static
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            FIRST_WORDS[i] = SipChars.wordOf(NAMES[i], 0);
        }
    }

    private SipMethod()
    {
    }

    /** The method's name, or "UNKNOWN" for {@link #UNKNOWN} (the caller keeps the original text then). */
    public static String name(final int method)
    {
        for (int i = 0; i < ALL.length; i++)
        {
            if (ALL[i] == method)
            {
                return NAMES[i];
            }
        }
        return "UNKNOWN";
    }

    /** Methods are case-sensitive (RFC 3261 §7.1): "invite" is an unknown method. */
    public static int lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            final String name = NAMES[i];
            if (name.length() == length && matches(buffer, offset, name))
            {
                return ALL[i];
            }
        }
        return UNKNOWN;
    }

    /**
     * As {@link #lookup(DirectBuffer, int, int)} over an array: the first eight letters read as one word and compared
     * with each name's, where the array has room; the letters after them (SUBSCRIBE's E) one by one.
     */
    static int lookup(final byte[] bytes, final int offset, final int length)
    {
        if (length <= 0 || offset + Long.BYTES > bytes.length)
        {
            return lookupByLetters(bytes, offset, length);
        }
        final long first = SipChars.getLong(bytes, offset) & SipChars.firstBytesMask(length);
        for (int i = 0; i < NAMES.length; i++)
        {
            final String name = NAMES[i];
            if (FIRST_WORDS[i] == first && name.length() == length &&
                (length <= Long.BYTES || SipChars.equalsExact(bytes, offset, offset + length, name)))
            {
                return ALL[i];
            }
        }
        return UNKNOWN;
    }

    private static int lookupByLetters(final byte[] bytes, final int offset, final int length)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            final String name = NAMES[i];
            if (name.length() == length && SipChars.equalsExact(bytes, offset, offset + length, name))
            {
                return ALL[i];
            }
        }
        return UNKNOWN;
    }

    public static int lookup(final CharSequence text)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            if (NAMES[i].contentEquals(text))
            {
                return ALL[i];
            }
        }
        return UNKNOWN;
    }

    private static boolean matches(final DirectBuffer buffer, final int offset, final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            if (buffer.getByte(offset + i) != name.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
