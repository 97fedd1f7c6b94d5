package dev.referee.sip;

import org.agrona.DirectBuffer;

/**
 * Header ids. Names are looked up case-insensitively, compact forms included (RFC 3261 §7.3.3, and
 * RFC 3515 "r" for Refer-To, RFC 3892 "b" for Referred-By, RFC 3265 "o"/"u").
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
    /** One more than the highest id: size for per-header tables. */
    public static final int COUNT = 58;

    private HeaderName()
    {
    }

    /** The id of the header whose name is at [offset, offset+length); {@link #OTHER} when unknown. */
    public static int lookup(final DirectBuffer buffer, final int offset, final int length)
    {
        throw new UnsupportedOperationException("codec: HeaderName.lookup");
    }

    /** The canonical (long) name of a known header, e.g. "Call-ID" for {@link #CALL_ID}. */
    public static String canonicalName(final int id)
    {
        throw new UnsupportedOperationException("codec: HeaderName.canonicalName");
    }

    /** True for headers whose values are comma-separated lists that the parser splits (Via, Route, Contact...). */
    public static boolean isList(final int id)
    {
        throw new UnsupportedOperationException("codec: HeaderName.isList");
    }
}
