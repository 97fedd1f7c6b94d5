package dev.referee.sip;

/**
 * The SIP status codes Referee sends itself, named as RFC 3261 §21 (and the RFCs that added them) name them, with
 * their reason phrases. Codes Referee only relays need no name.
 */
public final class SipStatus
{
    public static final int TRYING = 100;
    public static final int RINGING = 180;
    public static final int OK = 200;
    public static final int ACCEPTED = 202;
    public static final int BAD_REQUEST = 400;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int METHOD_NOT_ALLOWED = 405;
    public static final int NOT_ACCEPTABLE = 406;
    public static final int PROXY_AUTHENTICATION_REQUIRED = 407;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int UNSUPPORTED_MEDIA_TYPE = 415;
    public static final int UNSUPPORTED_URI_SCHEME = 416;
    public static final int BAD_EXTENSION = 420;
    /** RFC 4028 §6: the Session-Expires asked for is below the Min-SE of the one answering. */
    public static final int SESSION_INTERVAL_TOO_SMALL = 422;
    public static final int CALL_OR_TRANSACTION_DOES_NOT_EXIST = 481;
    public static final int LOOP_DETECTED = 482;
    public static final int TOO_MANY_HOPS = 483;
    public static final int BUSY_HERE = 486;
    public static final int REQUEST_TERMINATED = 487;
    public static final int NOT_ACCEPTABLE_HERE = 488;
    public static final int REQUEST_PENDING = 491;
    public static final int SERVER_INTERNAL_ERROR = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int VERSION_NOT_SUPPORTED = 505;
    public static final int DECLINE = 603;

    private SipStatus()
    {
    }

    /** The RFC's reason phrase of {@code code}; for a code without a name here, that of its class. */
    public static String reasonPhrase(final int code)
    {
        return switch (code)
        {
            case TRYING -> "Trying";
            case RINGING -> "Ringing";
            case OK -> "OK";
            case ACCEPTED -> "Accepted";
            case BAD_REQUEST -> "Bad Request";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not Found";
            case METHOD_NOT_ALLOWED -> "Method Not Allowed";
            case NOT_ACCEPTABLE -> "Not Acceptable";
            case PROXY_AUTHENTICATION_REQUIRED -> "Proxy Authentication Required";
            case REQUEST_TIMEOUT -> "Request Timeout";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported Media Type";
            case UNSUPPORTED_URI_SCHEME -> "Unsupported URI Scheme";
            case BAD_EXTENSION -> "Bad Extension";
            case SESSION_INTERVAL_TOO_SMALL -> "Session Interval Too Small";
            case CALL_OR_TRANSACTION_DOES_NOT_EXIST -> "Call/Transaction Does Not Exist";
            case LOOP_DETECTED -> "Loop Detected";
            case TOO_MANY_HOPS -> "Too Many Hops";
            case BUSY_HERE -> "Busy Here";
            case REQUEST_TERMINATED -> "Request Terminated";
            case NOT_ACCEPTABLE_HERE -> "Not Acceptable Here";
            case REQUEST_PENDING -> "Request Pending";
            case SERVER_INTERNAL_ERROR -> "Server Internal Error";
            case NOT_IMPLEMENTED -> "Not Implemented";
            case SERVICE_UNAVAILABLE -> "Service Unavailable";
            case VERSION_NOT_SUPPORTED -> "Version Not Supported";
            case DECLINE -> "Decline";
            default -> code < 200 ? "Session Progress" : code < 300 ? "OK" : code < 400 ? "Redirection" :
                code < 500 ? "Client Error" : code < 600 ? "Server Error" : "Global Failure";
        };
    }
}
