package dev.referee.engine;

import dev.referee.sip.AsciiView;
import dev.referee.sip.HeaderName;
import dev.referee.sip.SipMessage;

/** Which bodies an INVITE may carry through Referee, and whether its Accept allows an SDP answer. */
final class SessionMedia
{
    /** What Referee relays in INVITE offers: SDP, alone or in a multipart body (e.g. SDP with ISUP). */
    static final String ACCEPT = "application/sdp, multipart/mixed";

    private SessionMedia()
    {
    }

    /** True for application/sdp and multipart/* (media type compared without parameters, any case). */
    static boolean isSessionBody(final AsciiView contentType)
    {
        return typeIs(contentType, "application/sdp") || typeStartsWith(contentType, "multipart/");
    }

    /** True when some Accept value is application/sdp, application/* or * / *. */
    static boolean acceptsSdp(final SipMessage request, final AsciiView view)
    {
        for (int i = request.findHeader(HeaderName.ACCEPT, 0); i >= 0; i = request.findHeader(HeaderName.ACCEPT, i + 1))
        {
            request.headerValue(i, view);
            if (view.isEmpty() || typeIs(view, "application/sdp") || typeIs(view, "application/*") ||
                typeIs(view, "*/*"))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean typeIs(final AsciiView value, final String type)
    {
        final int end = typeEnd(value);
        if (end != type.length())
        {
            return false;
        }
        for (int i = 0; i < end; i++)
        {
            if (Character.toLowerCase(value.charAt(i)) != type.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean typeStartsWith(final AsciiView value, final String prefix)
    {
        final int end = typeEnd(value);
        if (end < prefix.length())
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if (Character.toLowerCase(value.charAt(i)) != prefix.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /** Length of the media type before parameters and trailing space. */
    private static int typeEnd(final AsciiView value)
    {
        int end = 0;
        while (end < value.length() && value.charAt(end) != ';' && value.charAt(end) != ' ' &&
            value.charAt(end) != '\t')
        {
            end++;
        }
        return end;
    }
}
