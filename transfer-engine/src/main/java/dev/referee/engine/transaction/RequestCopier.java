package dev.referee.engine.transaction;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipMessageWriter;
import dev.referee.sip.Via;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Makes the {@link RequestCopy} of a request: writes its key and response headers into a kept scratch buffer, then
 * copies them into a copy a terminated transaction gave back ({@link #release}), or a new one while none is free.
 * Engine thread only.
 * <p>
 * The bytes are those the String-based version sent, so that the wire and a replayed journal do not change. That
 * version turned the top Via, the To value, the Call-ID and the CSeq method into Strings with an ASCII decoder, which
 * made every byte above 0x7F U+FFFD, written back as 0xFD; those four parts are copied the same way here
 * ({@link #appendAsString}). The other Vias and From were copied char by char, byte for byte: copied as they are.
 */
final class RequestCopier
{
    /** What {@code (byte)'\uFFFD'} gave: a non-ASCII byte after the String round trip of the old code. */
    private static final byte REPLACED = (byte)0xFD;
    private static final byte[] RPORT = ";rport".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] RECEIVED = ";received".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[65_536]);
    private final SipMessageWriter writer = new SipMessageWriter();
    private final AsciiView view = new AsciiView();
    /** Copies given back, kept for new transactions; beyond this many the collector takes them. */
    private static final int MAX_FREE = 1 << 16;
    private static final int INITIAL_CAPACITY = 512;

    private final ArrayDeque<RequestCopy> free = new ArrayDeque<>();

    /** The copy of {@code request}, whose key is the {@code keyLength} bytes of {@code key}. */
    RequestCopy copy(final SipMessage request, final InetSocketAddress source, final DirectBuffer key,
        final int keyLength)
    {
        writer.wrap(scratch, 0).append(key, 0, keyLength);
        boolean first = true;
        for (int i = request.findHeader(HeaderName.VIA, 0); i >= 0; i = request.findHeader(HeaderName.VIA, i + 1))
        {
            writer.append("Via: ");
            if (first)
            {
                topVia(request.topVia(), source);
                first = false;
            }
            else
            {
                writer.append(request.headerValue(i, view));
            }
            writer.append("\r\n");
        }
        final int fromOffset = writer.length();
        writer.append("From: ").append(request.from().value()).append("\r\n");
        final int toOffset = writer.length();
        appendAsString(request.to().value(), 0, request.to().value().length());
        final int afterToOffset = writer.length();
        writer.append("Call-ID: ");
        appendAsString(request.callId(), 0, request.callId().length());
        writer.append("\r\nCSeq: ").append(request.cseqNumber()).append(' ');
        appendAsString(request.cseqMethodName(), 0, request.cseqMethodName().length());
        writer.append("\r\n");
        final RequestCopy copy = free.isEmpty() ? new RequestCopy(INITIAL_CAPACITY) : free.pop();
        copy.fill(scratch, writer.length(), keyLength, fromOffset, toOffset, afterToOffset,
            !request.to().tag().isEmpty());
        return copy;
    }

    /** Takes back the copy of a transaction that terminated; it must not be used through that transaction again. */
    void release(final RequestCopy copy)
    {
        if (copy != null && free.size() < MAX_FREE)
        {
            free.push(copy);
        }
    }

    /** RFC 3581 §4: fill in rport with the source port and add received with the source address. */
    private void topVia(final Via via, final InetSocketAddress source)
    {
        final AsciiView value = via.value();
        final int length = value.length();
        final int at = via.hasRport() && source != null ? indexOfParam(value, RPORT) : -1;
        if (at < 0)
        {
            appendAsString(value, 0, length);
            return;
        }
        int end = at + RPORT.length;
        if (end < length && value.charAt(end) == '=')
        {
            end++;
            while (end < length && value.charAt(end) != ';')
            {
                end++;
            }
        }
        appendAsString(value, 0, at);
        writer.append(";rport=").append(source.getPort());
        appendAsString(value, end, length - end);
        if (indexOfParam(value, RECEIVED) < 0)
        {
            writer.append(";received=");
            hostAddress(source.getAddress());
        }
    }

    /** As {@code InetAddress.getHostAddress()}, without a String for IPv4. */
    private void hostAddress(final InetAddress address)
    {
        if (address instanceof Inet4Address)
        {
            // An Inet4Address's hash code is its address (OpenJDK), so no byte[] or String is made.
            final int ip = address.hashCode();
            writer.append((ip >>> 24) & 0xFF).append('.').append((ip >>> 16) & 0xFF).append('.')
                .append((ip >>> 8) & 0xFF).append('.').append(ip & 0xFF);
        }
        else
        {
            writer.append(address.getHostAddress());
        }
    }

    /** {@code length} bytes of {@code text} from {@code from}, each non-ASCII byte as the old String round trip made it. */
    private void appendAsString(final AsciiView text, final int from, final int length)
    {
        final DirectBuffer buffer = text.buffer();
        final int start = text.offset() + from;
        final int position = writer.length();
        writer.append(buffer, start, length);
        for (int i = position, end = position + length; i < end; i++)
        {
            if (scratch.getByte(i) < 0)
            {
                scratch.putByte(i, REPLACED);
            }
        }
    }

    /**
     * Where {@code ;name} starts as a whole parameter (followed by the end, '=', ';' or a space), ignoring ASCII case;
     * -1 when absent.
     */
    private static int indexOfParam(final AsciiView value, final byte[] param)
    {
        final int length = value.length();
        for (int at = 0; at + param.length <= length; at++)
        {
            if (regionMatches(value, at, param))
            {
                final int end = at + param.length;
                if (end == length || value.charAt(end) == '=' || value.charAt(end) == ';' || value.charAt(end) == ' ')
                {
                    return at;
                }
            }
        }
        return -1;
    }

    private static boolean regionMatches(final AsciiView value, final int at, final byte[] lowerCase)
    {
        for (int i = 0; i < lowerCase.length; i++)
        {
            char c = value.charAt(at + i);
            if (c >= 'A' && c <= 'Z')
            {
                c = (char)(c + ('a' - 'A'));
            }
            if (c != lowerCase[i])
            {
                return false;
            }
        }
        return true;
    }
}
