package dev.referee.sip;

/** Constant reasons for {@link SipMessage#errorReason()}: constants so that a failed parse allocates nothing. */
public final class ParseErrors
{
    public static final String EMPTY = "Empty message";
    public static final String MALFORMED_REQUEST_LINE = "Malformed Request-Line";
    public static final String MALFORMED_STATUS_LINE = "Malformed Status-Line";
    public static final String UNSUPPORTED_VERSION = "Unsupported SIP version";
    public static final String BAD_STATUS_CODE = "Malformed status code";
    public static final String BAD_METHOD = "Malformed method";
    public static final String BAD_REQUEST_URI = "Malformed Request-URI";
    public static final String REQUEST_URI_HEADERS = "Request-URI must not carry headers";
    public static final String MALFORMED_HEADER_LINE = "Malformed header line";
    public static final String NO_END_OF_HEADERS = "Missing blank line after headers";
    public static final String TOO_MANY_HEADERS = "Too many headers";
    public static final String EMPTY_LIST_ELEMENT = "Empty element in header list";
    public static final String MISSING_VIA = "Missing Via header";
    public static final String MISSING_FROM = "Missing From header";
    public static final String MISSING_TO = "Missing To header";
    public static final String MISSING_CALL_ID = "Missing Call-ID header";
    public static final String MISSING_CSEQ = "Missing CSeq header";
    public static final String MULTIPLE_FROM = "Multiple From headers";
    public static final String MULTIPLE_TO = "Multiple To headers";
    public static final String MULTIPLE_CALL_ID = "Multiple Call-ID headers";
    public static final String MULTIPLE_CSEQ = "Multiple CSeq headers";
    public static final String MULTIPLE_MAX_FORWARDS = "Multiple Max-Forwards headers";
    public static final String MULTIPLE_CONTENT_LENGTH = "Multiple Content-Length headers";
    public static final String MALFORMED_VIA = "Malformed Via header";
    public static final String MALFORMED_FROM = "Malformed From header";
    public static final String MALFORMED_TO = "Malformed To header";
    public static final String MALFORMED_CONTACT = "Malformed Contact header";
    public static final String MALFORMED_CALL_ID = "Malformed Call-ID header";
    public static final String MALFORMED_CSEQ = "Malformed CSeq header";
    public static final String CSEQ_METHOD_MISMATCH = "CSeq method does not match request method";
    public static final String MALFORMED_MAX_FORWARDS = "Malformed Max-Forwards header";
    public static final String MALFORMED_CONTENT_LENGTH = "Malformed Content-Length header";
    public static final String CONTENT_LENGTH_TOO_LARGE = "Content-Length larger than message";

    private ParseErrors()
    {
    }
}
