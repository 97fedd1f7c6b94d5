package dev.referee.engine.transaction;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.Via;

import java.net.InetSocketAddress;

/**
 * The headers every response copies from its request (RFC 3261 §8.2.6.2), kept by the server transaction because
 * the request's bytes are gone once its ring slot is reused. The top Via gets {@code received} and the
 * {@code rport} value (RFC 3581 §4) when the client asked with {@code rport}.
 */
public final class ResponseHeaders
{
    private final String beforeTo;
    private final String to;
    private final boolean toHasTag;
    private final String afterTo;

    private ResponseHeaders(final String beforeTo, final String to, final boolean toHasTag, final String afterTo)
    {
        this.beforeTo = beforeTo;
        this.to = to;
        this.toHasTag = toHasTag;
        this.afterTo = afterTo;
    }

    /** Rebuilds headers a snapshot holds (TransactionSnapshots). */
    static ResponseHeaders restore(final String beforeTo, final String to, final boolean toHasTag, final String afterTo)
    {
        return new ResponseHeaders(beforeTo, to, toHasTag, afterTo);
    }

    String beforeTo()
    {
        return beforeTo;
    }

    String to()
    {
        return to;
    }

    String afterTo()
    {
        return afterTo;
    }

    public static ResponseHeaders of(final SipMessage request, final InetSocketAddress source, final AsciiView view)
    {
        final StringBuilder before = new StringBuilder(256);
        boolean first = true;
        for (int i = request.findHeader(HeaderName.VIA, 0); i >= 0; i = request.findHeader(HeaderName.VIA, i + 1))
        {
            before.append("Via: ");
            if (first)
            {
                appendTopVia(before, request.topVia(), source);
                first = false;
            }
            else
            {
                before.append(request.headerValue(i, view));
            }
            before.append("\r\n");
        }
        before.append("From: ").append(request.from().value()).append("\r\n");
        final String afterTo = "Call-ID: " + request.callId() + "\r\nCSeq: " + request.cseqNumber() + ' ' +
            request.cseqMethodName() + "\r\n";
        return new ResponseHeaders(
            before.toString(), request.to().value().toString(), !request.to().tag().isEmpty(), afterTo);
    }

    /** Writes Via, From, To (with {@code localTag} when the request's To had no tag), Call-ID and CSeq. */
    public void write(final SipMessageWriter writer, final CharSequence localTag)
    {
        writer.append(beforeTo);
        writer.startHeader("To").append(to);
        if (!toHasTag && localTag != null && localTag.length() > 0)
        {
            writer.append(";tag=").append(localTag);
        }
        writer.endHeader();
        writer.append(afterTo);
    }

    public boolean toHasTag()
    {
        return toHasTag;
    }

    private static void appendTopVia(final StringBuilder out, final Via via, final InetSocketAddress source)
    {
        final String value = via.value().toString();
        if (!via.hasRport() || source == null)
        {
            out.append(value);
            return;
        }
        // RFC 3581 §4: fill in rport with the source port and add received with the source address.
        final int at = indexOfParam(value, "rport");
        if (at < 0)
        {
            out.append(value);
            return;
        }
        int end = at + ";rport".length();
        if (end < value.length() && value.charAt(end) == '=')
        {
            end++;
            while (end < value.length() && value.charAt(end) != ';')
            {
                end++;
            }
        }
        out.append(value, 0, at).append(";rport=").append(source.getPort()).append(value, end, value.length());
        if (indexOfParam(value, "received") < 0)
        {
            out.append(";received=").append(source.getAddress().getHostAddress());
        }
    }

    private static int indexOfParam(final String value, final String name)
    {
        final String lower = value.toLowerCase();
        int from = 0;
        while (true)
        {
            final int at = lower.indexOf(';' + name, from);
            if (at < 0)
            {
                return -1;
            }
            final int end = at + 1 + name.length();
            if (end == lower.length() || lower.charAt(end) == '=' || lower.charAt(end) == ';' ||
                lower.charAt(end) == ' ')
            {
                return at;
            }
            from = end;
        }
    }
}
