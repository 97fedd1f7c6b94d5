package dev.referee.engine.call;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;

/**
 * Copies the end-to-end headers of a message received on one leg into the message relayed on the other.
 * Everything that names one side's topology or belongs to one dialog (Via, Route, Record-Route, Contact, Call-ID,
 * From/To, CSeq, Max-Forwards) is rewritten by Referee, and extensions Referee does not implement (100rel,
 * session timers) are not offered on its behalf.
 */
final class HeaderCopier
{
    private static final boolean[] HOP_BY_HOP = new boolean[HeaderName.COUNT];

    static
    {
        for (final int id : new int[]{
            HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ, HeaderName.CONTACT,
            HeaderName.MAX_FORWARDS, HeaderName.CONTENT_LENGTH, HeaderName.CONTENT_TYPE, HeaderName.ROUTE,
            HeaderName.RECORD_ROUTE, HeaderName.SUPPORTED, HeaderName.REQUIRE, HeaderName.PROXY_REQUIRE,
            HeaderName.RSEQ, HeaderName.RACK, HeaderName.SESSION_EXPIRES, HeaderName.MIN_SE})
        {
            HOP_BY_HOP[id] = true;
        }
    }

    private final AsciiView name = new AsciiView();
    private final AsciiView value = new AsciiView();

    /** Copies end-to-end headers; with {@code contacts} also Contact (a 3xx's alternatives). */
    void copy(final SipMessage from, final SipMessageWriter to, final boolean contacts)
    {
        for (int i = 0, n = from.headerCount(); i < n; i++)
        {
            final int id = from.headerId(i);
            if (HOP_BY_HOP[id] && !(contacts && id == HeaderName.CONTACT))
            {
                continue;
            }
            final CharSequence headerName = id == HeaderName.OTHER ?
                from.headerName(i, name) : HeaderName.canonicalName(id);
            to.header(headerName, from.headerValue(i, value));
        }
    }

    /** Ends the message with the received message's body, or none. */
    static void endWithBodyOf(final SipMessage from, final SipMessageWriter to)
    {
        if (from.bodyLength() > 0)
        {
            to.endWithBody(from.contentType(), from.buffer(), from.bodyOffset(), from.bodyLength());
        }
        else
        {
            to.endWithoutBody();
        }
    }
}
