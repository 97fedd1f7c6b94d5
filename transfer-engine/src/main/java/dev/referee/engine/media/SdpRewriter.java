package dev.referee.engine.media;

import dev.referee.ring.InboundEvent;
import dev.referee.sip.AsciiView;
import dev.referee.sip.sdp.SessionDescription;
import dev.referee.transport.Addresses;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Rewrites an SDP body (RFC 4566) that the engine relays toward a leg so that the leg sends its media to Referee's
 * relay instead of to the far party (issue 10, docs/media.md "The SDP rewriter"):
 * <ul>
 * <li>every {@code c=} line, session and media level, names {@code media.advertise} (else {@code media.address}),
 *     "IN IP4" or "IN IP6" after its family; a {@code c=} of 0.0.0.0 stays, since it is how an RFC 2543 phone says
 *     "hold" (RFC 3264 §8.4) and the far party must still see it;</li>
 * <li>each {@code m=} port becomes the RTP port the engine allocated for that line on this leg, or 0 when it gave
 *     none or the line is not {@link PeerMedia#relayable relayable} (T.38's udptl, an unknown transport, a line the
 *     sender already disabled): RFC 3264 §6 rejection, the line kept with its formats; a "/2" port count goes;</li>
 * <li>{@code a=rtcp} (RFC 3605) becomes the allocated port + 1, the relay's RTCP port, or the allocated port itself
 *     when the line has {@code a=rtcp-mux} (RFC 5761: RTCP on the RTP port; {@code a=rtcp-mux} stays); without
 *     {@code a=rtcp} none is added, RTP + 1 being the default. A rejected line loses its {@code a=rtcp};</li>
 * <li>ICE goes (Referee is the one address the leg sees, so there is nothing to probe): {@code a=candidate},
 *     {@code a=remote-candidates}, {@code a=end-of-candidates}, {@code a=ice-ufrag}, {@code a=ice-pwd},
 *     {@code a=ice-options} and {@code a=ice-lite};</li>
 * <li>every other line, codecs ({@code a=rtpmap}, {@code a=fmtp}), {@code a=crypto}, directions and the {@code o=}
 *     line included, byte for byte as it came, in its order, with its line ending.</li>
 * </ul>
 * Two steps, because the engine allocates ports only for the lines the relay can carry: {@link #read} parses the body
 * and fills {@link #peer()} (what the sender said: address, ports, rtcp-mux, direction, clock rate per line);
 * {@link #write} then writes the new body into {@link #output()} with the ports allocated.
 * <p>
 * The {@code o=} line stays {@code SdpOrigin}'s: the engine rewrites media first, then gives this output to
 * {@code SdpOrigin.rewrite}, which puts the leg's own origin in and moves its version on only when what the leg sees
 * changed (it compares the bodies it sends, this rewriter's output, so a far party changing only its own address or
 * port behind the relay does not bump the version toward the leg).
 * <p>
 * Bounded: at most {@link SessionDescription#MAX_MEDIA} lines (more do not parse); a body over {@link #MAX_BODY} or
 * whose rewrite would not fit it is refused ({@link #TOO_LONG}), never truncated. No allocation per body: one output
 * buffer, reused. Engine thread only.
 */
public final class SdpRewriter
{
    /** The longest body read or written: what one message buffer holds. */
    public static final int MAX_BODY = InboundEvent.MAX_MESSAGE_LENGTH;
    /** {@link #read}: the body does not parse as SDP. */
    public static final int NOT_SDP = -1;
    /** {@link #read}, {@link #write}: the body, or its rewrite, is longer than {@link #MAX_BODY}. */
    public static final int TOO_LONG = -2;

    private static final byte[][] ICE_ATTRIBUTES = {
        ascii("candidate"), ascii("remote-candidates"), ascii("end-of-candidates"), ascii("ice-ufrag"),
        ascii("ice-pwd"), ascii("ice-options"), ascii("ice-lite")};
    private static final byte[] RTCP = ascii("rtcp");
    private static final byte[] RTPMAP = ascii("rtpmap");
    private static final byte[] RTCP_LINE = ascii("a=rtcp:");
    private static final byte[] HOLD_ADDRESS = ascii("0.0.0.0");
    private static final String[] RTP_TRANSPORTS = {"RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"};

    /** "c=IN IP4 192.0.2.1", without line ending. */
    private final byte[] connectionLine;
    private final SessionDescription sdp = new SessionDescription();
    private final PeerMedia peer = new PeerMedia();
    private final AsciiView value = new AsciiView();
    private final UnsafeBuffer output = new UnsafeBuffer(new byte[MAX_BODY]);
    private DirectBuffer body;
    private int bodyOffset;
    private int bodyEnd;

    /** {@code sdpAddress}: {@code MediaConfig.sdpAddress()}, written in every {@code c=} line. */
    public SdpRewriter(final InetAddress sdpAddress)
    {
        connectionLine = connectionLine(sdpAddress);
    }

    /** "c=IN IP4 192.0.2.1" for {@code sdpAddress}, without line ending. */
    static byte[] connectionLine(final InetAddress sdpAddress)
    {
        // IPv6 as RFC 5952 writes it, the way Referee writes addresses elsewhere (Via, o=), not the JDK's long form.
        return ascii(sdpAddress instanceof Inet6Address ? "c=IN IP6 " + Addresses.compressed(
            (Inet6Address)sdpAddress) : "c=IN IP4 " + sdpAddress.getHostAddress());
    }

    /**
     * Parses {@code body} and fills {@link #peer()}; the number of {@code m=} lines, or {@link #NOT_SDP} or
     * {@link #TOO_LONG} (then {@link #write} must not be called: the engine sends such a body as it came or refuses
     * it, its choice).
     */
    public int read(final DirectBuffer body, final int offset, final int length)
    {
        peer.reset();
        this.body = null;
        if (length > MAX_BODY)
        {
            return TOO_LONG;
        }
        if (!sdp.wrap(body, offset, length))
        {
            return NOT_SDP;
        }
        this.body = body;
        bodyOffset = offset;
        bodyEnd = offset + length;
        for (int i = 0; i < sdp.mediaCount(); i++)
        {
            final boolean mux = sdp.attribute(i, "rtcp-mux", value);
            final int rtcp = sdp.attribute(i, "rtcp", value) ? leadingNumber(value, 0, -1) : -1;
            final AsciiView connection = sdp.mediaConnectionAddress(i);
            final int port = sdp.mediaPort(i);
            final boolean canRelay = port != 0 && !connection.isEmpty() && isRtp(sdp.mediaProtocol(i));
            peer.add(connection, port, rtcp > 0 && rtcp <= 65_535 ? rtcp : port + 1, mux, sdp.mediaDirection(i),
                leadingNumber(sdp.mediaFormats(i), 0, -1), canRelay);
        }
        readRtpmaps();
        return sdp.mediaCount();
    }

    /** What the body last {@link #read} says about its sender, per {@code m=} line. */
    public PeerMedia peer()
    {
        return peer;
    }

    /**
     * Writes the body last {@link #read} into {@link #output()} with Referee's address and, for line {@code i}, the
     * RTP port {@code rtpPorts[i]} (0, or a line past the array's end, or a line not relayable: rejected with port
     * 0). The length written, or {@link #TOO_LONG}.
     */
    public int write(final int[] rtpPorts)
    {
        if (body == null)
        {
            throw new IllegalStateException("no SDP read");
        }
        int at = 0;
        int media = -1;
        int line = bodyOffset;
        while (line < bodyEnd && at >= 0)
        {
            final int lf = indexOf(line, bodyEnd, (byte)'\n');
            final int next = lf < 0 ? bodyEnd : lf + 1;
            final int lineEnd = lineEnd(line, lf < 0 ? bodyEnd : lf);
            final byte type = lineEnd - line >= 2 && body.getByte(line + 1) == '=' ? body.getByte(line) : 0;
            if (type == 'm')
            {
                media++;
                at = mediaLine(at, media, port(rtpPorts, media), lineEnd);
                at = copy(at, lineEnd, next);
            }
            else if (type == 'c' && !isHoldAddress(line + 2, lineEnd))
            {
                at = put(at, connectionLine);
                at = copy(at, lineEnd, next);
            }
            else if (type == 'a')
            {
                at = attributeLine(at, media, media < 0 ? 0 : port(rtpPorts, media), line, lineEnd, next);
            }
            else
            {
                at = copy(at, line, next);
            }
            line = next;
        }
        return at < 0 ? TOO_LONG : at;
    }

    /** The body {@link #write} wrote, from index 0. */
    public DirectBuffer output()
    {
        return output;
    }

    /** {@code m=<media> <port> <proto> <fmt> ...}: the port replaced, the rest from the protocol on as it came. */
    private int mediaLine(final int at, final int media, final int port, final int lineEnd)
    {
        final AsciiView type = sdp.mediaType(media);
        final int protocol = sdp.mediaProtocol(media).offset();
        if (at < 0 || at + 2 + type.length() + 1 + 5 + 1 + (lineEnd - protocol) > MAX_BODY)
        {
            return -1;
        }
        int to = at + output.putStringWithoutLengthAscii(at, "m=");
        output.putBytes(to, type.buffer(), type.offset(), type.length());
        to += type.length();
        output.putByte(to++, (byte)' ');
        to += output.putIntAscii(to, port);
        output.putByte(to++, (byte)' ');
        output.putBytes(to, body, protocol, lineEnd - protocol);
        return to + lineEnd - protocol;
    }

    /** An {@code a=} line: ICE removed, {@code a=rtcp} pointed at the relay, anything else copied. */
    private int attributeLine(final int at, final int media, final int port, final int line, final int lineEnd,
        final int next)
    {
        final int nameStart = line + 2;
        final int colon = indexOf(nameStart, lineEnd, (byte)':');
        final int nameEnd = colon < 0 ? lineEnd : colon;
        for (final byte[] ice : ICE_ATTRIBUTES)
        {
            if (equals(nameStart, nameEnd, ice))
            {
                return at;
            }
        }
        if (media < 0 || !equals(nameStart, nameEnd, RTCP))
        {
            return copy(at, line, next);
        }
        if (port == 0)
        {
            return at; // a rejected line has no RTCP port, and the sender's one is not the leg's business
        }
        int to = put(at, RTCP_LINE);
        if (to < 0 || to + 5 > MAX_BODY)
        {
            return -1;
        }
        to += output.putIntAscii(to, peer.rtcpMux(media) ? port : port + 1);
        return copy(to, lineEnd, next);
    }

    /** The port line {@code media} gets: the one allocated, or 0 (rejected). */
    private int port(final int[] rtpPorts, final int media)
    {
        if (!peer.relayable(media) || rtpPorts == null || media >= rtpPorts.length)
        {
            return 0;
        }
        final int port = rtpPorts[media];
        return port > 0 && port <= 65_535 ? port : 0;
    }

    /** Every {@code a=rtpmap:<pt> <encoding>/<rate>[/<channels>]}, given to its line (the first format's wins). */
    private void readRtpmaps()
    {
        int media = -1;
        int line = bodyOffset;
        while (line < bodyEnd)
        {
            final int lf = indexOf(line, bodyEnd, (byte)'\n');
            final int next = lf < 0 ? bodyEnd : lf + 1;
            final int lineEnd = lineEnd(line, lf < 0 ? bodyEnd : lf);
            if (lineEnd - line >= 2 && body.getByte(line + 1) == '=')
            {
                final byte type = body.getByte(line);
                if (type == 'm')
                {
                    media++;
                }
                else if (type == 'a' && media >= 0)
                {
                    final int colon = indexOf(line + 2, lineEnd, (byte)':');
                    if (colon > 0 && equals(line + 2, colon, RTPMAP))
                    {
                        value.wrap(body, colon + 1, lineEnd - colon - 1);
                        final int payloadType = leadingNumber(value, 0, -1);
                        final int slash = indexOf(colon + 1, lineEnd, (byte)'/');
                        if (payloadType >= 0 && slash > 0)
                        {
                            value.wrap(body, slash + 1, lineEnd - slash - 1);
                            peer.rtpmap(media, payloadType, leadingNumber(value, 0, PeerMedia.UNKNOWN_CLOCK_RATE));
                        }
                    }
                }
            }
            line = next;
        }
    }

    /** The end of a line's text before {@code lf} (its LF, or the body's end): a CR before it is not text. */
    private int lineEnd(final int line, final int lf)
    {
        // As SessionDescription reads it (RFC 4566 §5 says CRLF; a bare LF is tolerated), so both see the same lines.
        return lf > line && body.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private int copy(final int at, final int from, final int to)
    {
        if (at < 0 || at + to - from > MAX_BODY)
        {
            return -1;
        }
        output.putBytes(at, body, from, to - from);
        return at + to - from;
    }

    private int put(final int at, final byte[] bytes)
    {
        if (at < 0 || at + bytes.length > MAX_BODY)
        {
            return -1;
        }
        output.putBytes(at, bytes);
        return at + bytes.length;
    }

    /**
     * {@code <nettype> <addrtype> <connection-address>[/ttl]} from {@code from}: true when the address is 0.0.0.0,
     * the field found as {@code SessionDescription} finds it (the third, whatever follows), so both read the same hold.
     */
    private boolean isHoldAddress(final int from, final int to)
    {
        int start = from;
        for (int field = 0; field < 2; field++)
        {
            final int space = indexOf(start, to, (byte)' ');
            if (space < 0)
            {
                return false;
            }
            start = space + 1;
        }
        int end = start;
        while (end < to && body.getByte(end) != ' ' && body.getByte(end) != '/')
        {
            end++;
        }
        return equals(start, end, HOLD_ADDRESS);
    }

    private boolean equals(final int from, final int to, final byte[] text)
    {
        if (to - from != text.length)
        {
            return false;
        }
        for (int i = 0; i < text.length; i++)
        {
            if (body.getByte(from + i) != text[i])
            {
                return false;
            }
        }
        return true;
    }

    private int indexOf(final int from, final int to, final byte b)
    {
        for (int i = from; i < to; i++)
        {
            if (body.getByte(i) == b)
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean isRtp(final AsciiView protocol)
    {
        for (final String transport : RTP_TRANSPORTS)
        {
            if (protocol.equalsIgnoreCase(transport))
            {
                return true;
            }
        }
        return false;
    }

    /** The decimal number that {@code text} starts with at {@code from} (at most 9 digits), or {@code none}. */
    private static int leadingNumber(final AsciiView text, final int from, final int none)
    {
        int i = from;
        int number = 0;
        while (i < text.length() && i - from < 9 && text.byteAt(i) >= '0' && text.byteAt(i) <= '9')
        {
            number = number * 10 + text.byteAt(i) - '0';
            i++;
        }
        return i == from ? none : number;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
