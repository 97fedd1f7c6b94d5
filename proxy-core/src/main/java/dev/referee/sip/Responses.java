package dev.referee.sip;

/** Writing responses to a received request (RFC 3261 §8.2.6). */
public final class Responses
{
    private static final int FNV_OFFSET = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

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
        copyUpToTo(request, statusCode, reason, writer);
        if (needsTag(request) && toTag != null && toTag.length() > 0)
        {
            writer.append(";tag=").append(toTag);
        }
        return copyAfterTo(request, writer);
    }

    /**
     * A complete stateless error response (400 for a malformed request, 503 when overloaded):
     * {@link #start} with a locally made To tag, a {@code Warning: 399 <agent> "<warning>"} when the warning
     * is not empty, and no body. Works on a request that failed to parse when {@link SipMessage#canRespond()}.
     */
    public static SipMessageWriter error(final SipMessage request, final int statusCode, final CharSequence reason,
        final CharSequence warning, final CharSequence agent, final SipMessageWriter writer)
    {
        return error(request, statusCode, reason, warning, agent, 0, writer);
    }

    /**
     * {@link #error} with {@code Retry-After: retryAfterSeconds} (RFC 3261 §20.33) when that is positive. Returns null,
     * and writes nothing, when the response would not fit the writer's buffer: a valid request of nearly 64 KiB with
     * many Vias in compact form could need more once every Via is copied and the names are spelled out. Such a request
     * gets no answer (its sender gets nothing back larger than what it sent, either).
     */
    public static SipMessageWriter error(final SipMessage request, final int statusCode, final CharSequence reason,
        final CharSequence warning, final CharSequence agent, final int retryAfterSeconds,
        final SipMessageWriter writer)
    {
        if (errorSizeBound(request, reason, warning, agent) > writer.buffer().capacity())
        {
            return null;
        }
        copyUpToTo(request, statusCode, reason, writer);
        if (needsTag(request))
        {
            // Deterministic (replay gives the same bytes): a hash of what identifies the request's dialog.
            writer.append(";tag=").appendHex(localTag(request));
        }
        copyAfterTo(request, writer);
        if (warning != null && warning.length() > 0)
        {
            writer.startHeader("Warning").append("399 ").append(agent).append(' ').append('"');
            for (int i = 0; i < warning.length(); i++)
            {
                final char c = warning.charAt(i);
                if (c == '"' || c == '\\')
                {
                    writer.append('\\');
                }
                writer.append(c);
            }
            writer.append('"').endHeader();
        }
        if (retryAfterSeconds > 0)
        {
            writer.header("Retry-After", retryAfterSeconds);
        }
        return writer.endWithoutBody();
    }

    private static void copyUpToTo(
        final SipMessage request, final int statusCode, final CharSequence reason, final SipMessageWriter writer)
    {
        writer.statusLine(statusCode, reason);
        for (int i = request.findHeader(HeaderName.VIA, 0); i >= 0; i = request.findHeader(HeaderName.VIA, i + 1))
        {
            copyValue(request, i, "Via", writer).endHeader();
        }
        copy(request, HeaderName.FROM, "From", writer);
        final int to = request.findHeader(HeaderName.TO, 0);
        if (to >= 0)
        {
            copyValue(request, to, "To", writer);
        }
    }

    private static SipMessageWriter copyAfterTo(final SipMessage request, final SipMessageWriter writer)
    {
        if (request.findHeader(HeaderName.TO, 0) >= 0)
        {
            writer.endHeader();
        }
        copy(request, HeaderName.CALL_ID, "Call-ID", writer);
        copy(request, HeaderName.CSEQ, "CSeq", writer);
        return writer;
    }

    private static void copy(final SipMessage request, final int id, final String name, final SipMessageWriter writer)
    {
        final int index = request.findHeader(id, 0);
        if (index >= 0)
        {
            copyValue(request, index, name, writer).endHeader();
        }
    }

    private static SipMessageWriter copyValue(
        final SipMessage request, final int index, final String name, final SipMessageWriter writer)
    {
        return writer.startHeader(name)
            .append(request.buffer(), request.valueOffset(index), request.valueLength(index));
    }

    /** At least as many bytes as {@link #error} writes for {@code request} (warnings may double in escaping). */
    static int errorSizeBound(final SipMessage request, final CharSequence reason, final CharSequence warning,
        final CharSequence agent)
    {
        // Status line, To tag, Retry-After, Content-Length and the blank line: well under 128 bytes.
        int bound = 128 + reason.length() + 2 * (warning == null ? 0 : warning.length()) +
            (agent == null ? 0 : agent.length()) + 16;
        for (int i = request.findHeader(HeaderName.VIA, 0); i >= 0; i = request.findHeader(HeaderName.VIA, i + 1))
        {
            bound += request.valueLength(i) + 8; // "Via: " and CRLF
        }
        for (final int id : COPIED_ONCE)
        {
            final int index = request.findHeader(id, 0);
            if (index >= 0)
            {
                bound += request.valueLength(index) + 12; // the longest name ("Call-ID: ") and CRLF
            }
        }
        return bound;
    }

    private static final int[] COPIED_ONCE = {HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ};

    /** A tag can only be added to a To that was readable and has none (RFC 3261 §8.2.6.2). */
    private static boolean needsTag(final SipMessage request)
    {
        return request.toValid() && request.to().tag().isEmpty() && request.findHeader(HeaderName.TO, 0) >= 0;
    }

    private static int localTag(final SipMessage request)
    {
        int hash = hash(FNV_OFFSET, request.callId());
        hash = hash(hash, request.fromValid() ? request.from().tag() : request.from().value());
        return hash;
    }

    private static int hash(final int seed, final AsciiView text)
    {
        int hash = seed;
        for (int i = 0; i < text.length(); i++)
        {
            hash = (hash ^ text.byteAt(i)) * FNV_PRIME;
        }
        return hash;
    }
}
