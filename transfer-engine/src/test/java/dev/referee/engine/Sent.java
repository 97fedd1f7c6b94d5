package dev.referee.engine;

import dev.referee.sip.AsciiView;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** One message the engine sent, parsed back for assertions. */
public final class Sent
{
    public final int transport;
    public final InetSocketAddress destination;
    public final long connectionId;
    public final String text;
    public final SipMessage message;
    /** False when the message does not parse: only an error response echoing a sender's malformed header may. */
    public final boolean parsed;

    public Sent(final int transport, final InetSocketAddress destination, final long connectionId, final byte[] bytes,
        final boolean mustParse)
    {
        this.transport = transport;
        this.destination = destination;
        this.connectionId = connectionId;
        this.text = new String(bytes, StandardCharsets.US_ASCII);
        this.message = new SipMessage();
        this.parsed = message.parse(new UnsafeBuffer(bytes), 0, bytes.length);
        if (!parsed && mustParse)
        {
            throw new AssertionError("engine sent a message that does not parse (" + message.errorReason() + "):\n" +
                text);
        }
    }

    /** The same bytes as {@code first} sent again (a retransmission): its text and its parse are shared, not redone. */
    Sent(final int transport, final InetSocketAddress destination, final long connectionId, final Sent first)
    {
        this.transport = transport;
        this.destination = destination;
        this.connectionId = connectionId;
        this.text = first.text;
        this.message = first.message;
        this.parsed = first.parsed;
    }

    public boolean isRequest(final String method)
    {
        return message.isRequest() && message.methodName().contentEquals(method);
    }

    public boolean isResponse(final int status)
    {
        return !message.isRequest() && message.statusCode() == status;
    }

    /** The status code from the status line (read from the text, so it works when the message did not parse). */
    public int status()
    {
        return text.startsWith("SIP/2.0 ") ? Integer.parseInt(text.substring(8, 11)) : 0;
    }

    /** The first value of a header, or null. */
    public String header(final int headerId)
    {
        final AsciiView view = new AsciiView();
        return message.header(headerId, view) ? view.toString() : null;
    }

    public String callId()
    {
        return message.callId().toString();
    }

    public String fromTag()
    {
        return message.from().tag().toString();
    }

    public String toTag()
    {
        return message.to().tag().toString();
    }

    public String branch()
    {
        return message.topVia().branch().toString();
    }

    public long cseq()
    {
        return message.cseqNumber();
    }

    public String body()
    {
        final int length = message.bodyLength();
        return length == 0 ? "" : message.buffer().getStringWithoutLengthAscii(message.bodyOffset(), length);
    }

    /** The body without its o= line: what a far party's SDP still says after Referee wrote its own origin. */
    public String media()
    {
        return SipPhone.media(body());
    }

    /** The o= line's value ("username sess-id sess-version nettype addrtype address"); null when there is none. */
    public String origin()
    {
        final java.util.regex.Matcher origin = ORIGIN.matcher(body());
        return origin.find() ? origin.group(1) : null;
    }

    private static final java.util.regex.Pattern ORIGIN = java.util.regex.Pattern.compile("(?m)^o=([^\r\n]*)\r?$");

    public String firstLine()
    {
        return text.substring(0, text.indexOf("\r\n"));
    }

    public int count(final int headerId)
    {
        int n = 0;
        for (int i = message.findHeader(headerId, 0); i >= 0; i = message.findHeader(headerId, i + 1))
        {
            n++;
        }
        return n;
    }

    public boolean has(final int headerId)
    {
        return message.findHeader(headerId, 0) >= 0;
    }

    @Override
    public String toString()
    {
        return firstLine() + " -> " + destination;
    }

}
