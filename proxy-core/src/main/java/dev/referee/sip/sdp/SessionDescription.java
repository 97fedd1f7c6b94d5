package dev.referee.sip.sdp;

import dev.referee.sip.AsciiView;
import dev.referee.sip.ByteAccess;
import org.agrona.DirectBuffer;

/**
 * View of an SDP body (RFC 4566): origin, session connection, media descriptions and attributes,
 * enough to see where media goes and whether a side is on hold (RFC 3264 §8.4).
 */
public final class SessionDescription
{
    /** Most media descriptions indexed; more is a parse failure. */
    public static final int MAX_MEDIA = 16;

    /** Direction attributes as flags. */
    public static final int SENDRECV = 0;
    public static final int SENDONLY = 1;
    public static final int RECVONLY = 2;
    public static final int INACTIVE = 3;

    private static final int NO_DIRECTION = -1;
    private static final int SESSION = -1;

    private final AsciiView originUsername = new AsciiView();
    private final AsciiView originSessionId = new AsciiView();
    private final AsciiView originSessionVersion = new AsciiView();
    private final AsciiView originAddress = new AsciiView();
    private final AsciiView connectionAddress = new AsciiView();
    private final AsciiView[] mediaType = views();
    private final AsciiView[] mediaProtocol = views();
    private final AsciiView[] mediaFormats = views();
    private final AsciiView[] mediaConnection = views();
    private final int[] mediaPort = new int[MAX_MEDIA];
    private final int[] mediaDirection = new int[MAX_MEDIA];
    private final int[] mediaStart = new int[MAX_MEDIA];
    private final int[] mediaEnd = new int[MAX_MEDIA];
    private final ByteAccess access = new ByteAccess();
    private DirectBuffer buffer;
    /** The buffer's bytes at the same indexes: the scanners read plain array elements (see {@link ByteAccess}). */
    private byte[] bytes = ByteAccess.NONE;
    private int sessionStart;
    private int sessionEnd;
    private int mediaCount;
    private int direction;

    /** Parses; false when it is not SDP (missing v=, o=, s= or malformed lines). */
    public boolean wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        if (this.buffer != buffer)
        {
            this.buffer = buffer; // stored only when it changes, as in AsciiView.wrap: a GC write barrier per store
        }
        reset();
        final int end = offset + Math.max(length, 0);
        final byte[] array = access.array(buffer, offset, end);
        if (bytes != array)
        {
            bytes = array;
        }
        sessionStart = offset;
        sessionEnd = end;
        boolean seenVersion = false;
        boolean seenOrigin = false;
        boolean seenName = false;
        int line = offset;
        while (line < end)
        {
            int lf = indexOf(line, end, (byte)'\n');
            final int next = lf < 0 ? end : lf + 1;
            lf = lf < 0 ? end : lf;
            // RFC 4566 §5 says CRLF, but LF alone is to be tolerated.
            final int lineEnd = lf > line && bytes[lf - 1] == '\r' ? lf - 1 : lf;
            if (lineEnd > line)
            {
                if (lineEnd - line < 2 || bytes[line + 1] != '=')
                {
                    return false;
                }
                final byte type = bytes[line];
                final int value = line + 2;
                if (!seenVersion && type != 'v')
                {
                    return false;
                }
                switch (type)
                {
                    case 'v':
                        seenVersion = true;
                        break;
                    case 'o':
                        seenOrigin = origin(value, lineEnd);
                        break;
                    case 's':
                        seenName = true;
                        break;
                    case 'c':
                        if (!connection(value, lineEnd, mediaCount == 0 ? connectionAddress :
                            mediaConnection[mediaCount - 1]))
                        {
                            return false;
                        }
                        break;
                    case 'm':
                        if (!media(line, value, lineEnd))
                        {
                            return false;
                        }
                        break;
                    case 'a':
                        attribute(value, lineEnd);
                        break;
                    default:
                        break;
                }
            }
            if (mediaCount > 0)
            {
                mediaEnd[mediaCount - 1] = next;
            }
            line = next;
        }
        return seenVersion && seenOrigin && seenName;
    }

    public AsciiView originUsername()
    {
        return originUsername;
    }

    public AsciiView originSessionId()
    {
        return originSessionId;
    }

    public AsciiView originSessionVersion()
    {
        return originSessionVersion;
    }

    /** o= unicast address. */
    public AsciiView originAddress()
    {
        return originAddress;
    }

    /** Session-level c= address; empty when absent. */
    public AsciiView connectionAddress()
    {
        return connectionAddress;
    }

    /** Session-level direction attribute, {@link #SENDRECV} when none. */
    public int direction()
    {
        return direction == NO_DIRECTION ? SENDRECV : direction;
    }

    public int mediaCount()
    {
        return mediaCount;
    }

    /** "audio", "video", ... */
    public AsciiView mediaType(final int index)
    {
        return mediaType[index];
    }

    public int mediaPort(final int index)
    {
        return mediaPort[index];
    }

    /** "RTP/AVP", ... */
    public AsciiView mediaProtocol(final int index)
    {
        return mediaProtocol[index];
    }

    /** Formats list as written ("0 8 101"). */
    public AsciiView mediaFormats(final int index)
    {
        return mediaFormats[index];
    }

    /** Media-level c= address, falling back to the session-level one. */
    public AsciiView mediaConnectionAddress(final int index)
    {
        return mediaConnection[index].isEmpty() ? connectionAddress : mediaConnection[index];
    }

    /** Media-level direction, falling back to the session-level one; c=0.0.0.0 reads as {@link #SENDONLY}... */
    public int mediaDirection(final int index)
    {
        final int declared = mediaDirection[index] != NO_DIRECTION ? mediaDirection[index] : direction();
        // RFC 3264 §8.4: the RFC 2543 way of holding is c=0.0.0.0, "do not send to me".
        if (mediaConnectionAddress(index).contentEquals("0.0.0.0"))
        {
            return declared == SENDRECV ? SENDONLY : declared == RECVONLY ? INACTIVE : declared;
        }
        return declared;
    }

    /** Points {@code into} at the value of the first a={@code name} of media {@code index} (-1: session). */
    public boolean attribute(final int index, final CharSequence name, final AsciiView into)
    {
        final int from = index == SESSION ? sessionStart : mediaStart[index];
        final int to = index == SESSION ? sessionEnd : mediaEnd[index];
        int line = from;
        while (line < to)
        {
            int lf = indexOf(line, to, (byte)'\n');
            final int next = lf < 0 ? to : lf + 1;
            lf = lf < 0 ? to : lf;
            final int lineEnd = lf > line && bytes[lf - 1] == '\r' ? lf - 1 : lf;
            if (lineEnd - line >= 2 && bytes[line] == 'a' && bytes[line + 1] == '=')
            {
                final int nameStart = line + 2;
                int colon = indexOf(nameStart, lineEnd, (byte)':');
                colon = colon < 0 ? lineEnd : colon;
                if (matches(nameStart, colon, name))
                {
                    final int valueStart = Math.min(colon + 1, lineEnd);
                    into.wrap(buffer, valueStart, lineEnd - valueStart);
                    return true;
                }
            }
            line = next;
        }
        into.reset();
        return false;
    }

    private void reset()
    {
        originUsername.reset();
        originSessionId.reset();
        originSessionVersion.reset();
        originAddress.reset();
        connectionAddress.reset();
        mediaCount = 0;
        direction = NO_DIRECTION;
    }

    /** {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>} */
    private boolean origin(final int from, final int to)
    {
        int i = field(from, to, originUsername);
        i = field(i, to, originSessionId);
        i = field(i, to, originSessionVersion);
        i = skipField(i, to);
        i = skipField(i, to);
        return field(i, to, originAddress) >= 0 && !originAddress.isEmpty();
    }

    /** {@code c=<nettype> <addrtype> <connection-address>}; a multicast "/ttl" suffix is left out of the view. */
    private boolean connection(final int from, final int to, final AsciiView into)
    {
        int i = skipField(from, to);
        i = skipField(i, to);
        if (field(i, to, into) < 0 || into.isEmpty())
        {
            return false;
        }
        final int slash = indexOf(into.offset(), into.offset() + into.length(), (byte)'/');
        if (slash >= 0)
        {
            into.wrap(buffer, into.offset(), slash - into.offset());
        }
        return true;
    }

    /** {@code m=<media> <port>[/<number of ports>] <proto> <fmt> ...} */
    private boolean media(final int lineStart, final int from, final int to)
    {
        if (mediaCount == MAX_MEDIA)
        {
            return false;
        }
        final int index = mediaCount;
        int i = field(from, to, mediaType[index]);
        final int portStart = i;
        i = skipField(i, to);
        i = field(i, to, mediaProtocol[index]);
        if (i < 0 || mediaType[index].isEmpty() || mediaProtocol[index].isEmpty())
        {
            return false;
        }
        int portEnd = portStart;
        int port = 0;
        while (portEnd < to && bytes[portEnd] >= '0' && bytes[portEnd] <= '9' && port <= 65535)
        {
            port = port * 10 + bytes[portEnd] - '0';
            portEnd++;
        }
        if (portEnd == portStart || port > 65535)
        {
            return false;
        }
        mediaPort[index] = port;
        mediaFormats[index].wrap(buffer, i, to - i);
        mediaConnection[index].reset();
        mediaDirection[index] = NO_DIRECTION;
        if (index == 0)
        {
            sessionEnd = lineStart;
        }
        mediaStart[index] = lineStart;
        mediaEnd[index] = to;
        mediaCount++;
        return true;
    }

    private void attribute(final int from, final int to)
    {
        final int value = directionOf(from, to);
        if (value == NO_DIRECTION)
        {
            return;
        }
        if (mediaCount == 0)
        {
            direction = value;
        }
        else
        {
            mediaDirection[mediaCount - 1] = value;
        }
    }

    private int directionOf(final int from, final int to)
    {
        if (matches(from, to, "sendrecv"))
        {
            return SENDRECV;
        }
        if (matches(from, to, "sendonly"))
        {
            return SENDONLY;
        }
        if (matches(from, to, "recvonly"))
        {
            return RECVONLY;
        }
        return matches(from, to, "inactive") ? INACTIVE : NO_DIRECTION;
    }

    /** Points {@code into} at the space-separated field at {@code from}; the start of the next field, or -1. */
    private int field(final int from, final int to, final AsciiView into)
    {
        if (from < 0 || from >= to)
        {
            into.reset();
            return -1;
        }
        int i = from;
        while (i < to && bytes[i] != ' ')
        {
            i++;
        }
        into.wrap(buffer, from, i - from);
        return i < to ? i + 1 : to;
    }

    private int skipField(final int from, final int to)
    {
        if (from < 0 || from >= to)
        {
            return -1;
        }
        int i = from;
        while (i < to && bytes[i] != ' ')
        {
            i++;
        }
        return i < to ? i + 1 : to;
    }

    private boolean matches(final int from, final int to, final CharSequence text)
    {
        if (to - from != text.length())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            if ((bytes[from + i] & 0xFF) != text.charAt(i))
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
            if (bytes[i] == b)
            {
                return i;
            }
        }
        return -1;
    }

    private static AsciiView[] views()
    {
        final AsciiView[] views = new AsciiView[MAX_MEDIA];
        for (int i = 0; i < MAX_MEDIA; i++)
        {
            views[i] = new AsciiView();
        }
        return views;
    }
}
