package dev.referee.sip;

/** Writing responses to a received request (RFC 3261 §8.2.6). */
public final class Responses
{
    private Responses()
    {
    }

    /**
     * Writes the status line and the headers a response copies from its request: every Via (in order), From,
     * To (with {@code toTag} added when the request's To has no tag and the tag is not empty), Call-ID, CSeq.
     * The writer is left open for more headers and the body.
     */
    public static SipMessageWriter start(final SipMessage request, final int statusCode, final CharSequence reason,
        final CharSequence toTag, final SipMessageWriter writer)
    {
        throw new UnsupportedOperationException("codec");
    }

    /**
     * A complete stateless error response (400 for a malformed request, 503 when overloaded):
     * {@link #start} with a locally made To tag, a {@code Warning: 399 <agent> "<warning>"} when the warning
     * is not empty, and no body. Works on a request that failed to parse when {@link SipMessage#canRespond()}.
     */
    public static SipMessageWriter error(final SipMessage request, final int statusCode, final CharSequence reason,
        final CharSequence warning, final CharSequence agent, final SipMessageWriter writer)
    {
        throw new UnsupportedOperationException("codec");
    }
}
