package dev.referee.sip;

/** Constant reasons for {@link SipMessage#errorReason()}: constants so that a failed parse allocates nothing. */
final class ParseErrors
{
    static final String EMPTY = "Empty message";
    static final String MALFORMED_REQUEST_LINE = "Malformed Request-Line";
    static final String MALFORMED_STATUS_LINE = "Malformed Status-Line";
    static final String UNSUPPORTED_VERSION = "Unsupported SIP version";
    static final String BAD_STATUS_CODE = "Malformed status code";
    static final String BAD_METHOD = "Malformed method";
    static final String BAD_REQUEST_URI = "Malformed Request-URI";
    static final String REQUEST_URI_HEADERS = "Request-URI must not carry headers";
    static final String MALFORMED_HEADER_LINE = "Malformed header line";
    static final String NO_END_OF_HEADERS = "Missing blank line after headers";
    static final String TOO_MANY_HEADERS = "Too many headers";
    static final String EMPTY_LIST_ELEMENT = "Empty element in header list";
    static final String MISSING_VIA = "Missing Via header";
    static final String MISSING_FROM = "Missing From header";
    static final String MISSING_TO = "Missing To header";
    static final String MISSING_CALL_ID = "Missing Call-ID header";
    static final String MISSING_CSEQ = "Missing CSeq header";
    static final String MULTIPLE_FROM = "Multiple From headers";
    static final String MULTIPLE_TO = "Multiple To headers";
    static final String MULTIPLE_CALL_ID = "Multiple Call-ID headers";
    static final String MULTIPLE_CSEQ = "Multiple CSeq headers";
    static final String MULTIPLE_MAX_FORWARDS = "Multiple Max-Forwards headers";
    static final String MULTIPLE_CONTENT_LENGTH = "Multiple Content-Length headers";
    static final String MALFORMED_VIA = "Malformed Via header";
    static final String MALFORMED_FROM = "Malformed From header";
    static final String MALFORMED_TO = "Malformed To header";
    static final String MALFORMED_CONTACT = "Malformed Contact header";
    static final String MALFORMED_CALL_ID = "Malformed Call-ID header";
    static final String MALFORMED_CSEQ = "Malformed CSeq header";
    static final String CSEQ_METHOD_MISMATCH = "CSeq method does not match request method";
    static final String MALFORMED_MAX_FORWARDS = "Malformed Max-Forwards header";
    static final String MALFORMED_CONTENT_LENGTH = "Malformed Content-Length header";
    static final String CONTENT_LENGTH_TOO_LARGE = "Content-Length larger than message";

    private ParseErrors()
    {
    }
}
