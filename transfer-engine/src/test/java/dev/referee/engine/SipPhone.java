package dev.referee.engine;

import dev.referee.sip.HeaderName;

import java.net.InetSocketAddress;

/**
 * A scripted SIP user agent for engine tests: writes the requests and responses a phone would send, keeping its
 * side of one dialog (Call-ID, tags, CSeq, the remote target it learned).
 */
public final class SipPhone
{
    public static final String SDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
    /** {@code sdp} without its o= line, which Referee rewrites on every leg (docs/engine.md, "SDP origin"). */
    public static String media(final String sdp)
    {
        return sdp.replaceAll("(?m)^o=[^\\r\\n]*\\r?\\n", "");
    }

    public static final String SDP_HOLD = SDP.replace("a=sendrecv", "a=sendonly");

    private final String user;
    private final InetSocketAddress address;
    private String callId;
    private String localTag;
    private String remoteTag;
    private String localUri;
    private String remoteUri;
    private String remoteTarget;
    private long cseq;
    private int branches;
    private String lastInviteBranch;
    private long lastInviteCSeq;

    public SipPhone(final String user, final InetSocketAddress address)
    {
        this.user = user;
        this.address = address;
    }

    public InetSocketAddress address()
    {
        return address;
    }

    public String remoteTag()
    {
        return remoteTag;
    }

    public String callId()
    {
        return callId;
    }

    // ---- as caller ---------------------------------------------------------------------------------------------

    /** An initial INVITE to {@code targetUser} through Referee. */
    public String invite(final String targetUser, final String callId)
    {
        return invite(targetUser, callId, null);
    }

    /** An initial INVITE to {@code targetUser} with {@code extraHeaders} ("Name: value\r\n" lines; null: none). */
    public String invite(final String targetUser, final String callId, final String extraHeaders)
    {
        this.callId = callId;
        this.localTag = user + "-tag";
        this.localUri = "\"" + user + "\" <sip:" + user + "@" + hostPort() + ">";
        this.remoteUri = "<sip:" + targetUser + "@" + hostPort(EngineHarness.REFEREE) + ">";
        this.remoteTarget = "sip:" + targetUser + "@" + hostPort(EngineHarness.REFEREE);
        this.cseq = 1;
        lastInviteBranch = nextBranch();
        lastInviteCSeq = cseq;
        return request("INVITE", remoteTarget, lastInviteBranch, cseq, extraHeaders, SDP, 70);
    }

    /**
     * The initial INVITE again after a 407 (RFC 3261 §22.2): same Call-ID and From tag, next CSeq, a new branch, with
     * {@code extraHeaders} ("Name: value\r\n" lines, the credentials).
     */
    public String inviteAgain(final String extraHeaders)
    {
        lastInviteBranch = nextBranch();
        lastInviteCSeq = ++cseq;
        return request("INVITE", remoteTarget, lastInviteBranch, lastInviteCSeq, extraHeaders, SDP, 70);
    }

    /** The Request-URI of this phone's next request in its dialog (the digest-uri of its credentials). */
    public String remoteTarget()
    {
        return remoteTarget;
    }

    /** CANCEL of the last INVITE (same branch, same CSeq number). */
    public String cancel()
    {
        return "CANCEL " + remoteTarget + " SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP " + hostPort() + ";branch=" + lastInviteBranch + ";rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: " + localUri + ";tag=" + localTag + "\r\n" +
            "To: " + remoteUri + "\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: " + lastInviteCSeq + " CANCEL\r\n" +
            "Content-Length: 0\r\n\r\n";
    }

    /** Learns the dialog from a response to its INVITE (To tag, Contact). */
    public SipPhone learn(final Sent response)
    {
        remoteTag = response.toTag();
        final String contact = response.header(HeaderName.CONTACT);
        if (contact != null)
        {
            remoteTarget = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        }
        return this;
    }

    /** The ACK for a 2xx (new branch, the INVITE's CSeq number). */
    public String ack()
    {
        return request("ACK", remoteTarget, nextBranch(), lastInviteCSeq, null, null, 70);
    }

    /** The ACK for a non-2xx final response (same branch as the INVITE: RFC 3261 §17.1.1.3). */
    public String ackFailure(final Sent response)
    {
        return "ACK " + remoteTarget + " SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP " + hostPort() + ";branch=" + lastInviteBranch + ";rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: " + localUri + ";tag=" + localTag + "\r\n" +
            "To: " + remoteUri + ";tag=" + response.toTag() + "\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: " + lastInviteCSeq + " ACK\r\n" +
            "Content-Length: 0\r\n\r\n";
    }

    // ---- in a dialog, either side ------------------------------------------------------------------------------

    public String bye()
    {
        return request("BYE", remoteTarget, nextBranch(), ++cseq, null, null, 70);
    }

    /** A re-INVITE with {@code sdp} (hold: {@link #SDP_HOLD}, unhold: {@link #SDP}). */
    public String reinvite(final String sdp)
    {
        return reinvite(sdp, null);
    }

    /** A re-INVITE with {@code sdp} and {@code extraHeaders} ("Name: value\r\n" lines; null: none). */
    public String reinvite(final String sdp, final String extraHeaders)
    {
        lastInviteBranch = nextBranch();
        lastInviteCSeq = ++cseq;
        return request("INVITE", remoteTarget, lastInviteBranch, lastInviteCSeq, extraHeaders, sdp, 70);
    }

    public String inDialog(final String method)
    {
        return inDialog(method, null);
    }

    /** A request of this dialog with {@code extraHeaders} ("Name: value\r\n" lines) and no body. */
    public String inDialog(final String method, final String extraHeaders)
    {
        return request(method, remoteTarget, nextBranch(), ++cseq, extraHeaders, null, 70);
    }

    /** A REFER in this dialog to {@code referTo} (a URI), with {@code extraHeaders} ("Name: value\r\n" lines). */
    public String refer(final String referTo, final String extraHeaders)
    {
        return request("REFER", remoteTarget, nextBranch(), ++cseq,
            "Refer-To: <" + referTo + ">\r\n" + (extraHeaders == null ? "" : extraHeaders), null, 70);
    }

    /** Answers a re-INVITE or INVITE in this dialog with 200 and an SDP (the answer to its offer). */
    public String ok(final Sent request, final String sdp)
    {
        return answer(request, 200, "OK", sdp);
    }

    // ---- as callee ---------------------------------------------------------------------------------------------

    /** Takes the dialog from an INVITE Referee sent to this phone; this phone's tag becomes the To tag. */
    public SipPhone accept(final Sent invite)
    {
        callId = invite.callId();
        localTag = user + "-tag";
        remoteTag = invite.fromTag();
        final String from = invite.header(HeaderName.FROM);
        final String to = invite.header(HeaderName.TO);
        remoteUri = from.substring(0, from.indexOf(";tag="));
        localUri = to;
        final String contact = invite.header(HeaderName.CONTACT);
        remoteTarget = contact.substring(contact.indexOf('<') + 1, contact.indexOf('>'));
        cseq = 100;
        return this;
    }

    /** A response to {@code request}, copying its Via, From, To (adding this phone's tag), Call-ID and CSeq. */
    public String answer(final Sent request, final int status, final String reason, final String body)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        final int via = HeaderName.VIA;
        final dev.referee.sip.AsciiView view = new dev.referee.sip.AsciiView();
        for (int i = request.message.findHeader(via, 0); i >= 0; i = request.message.findHeader(via, i + 1))
        {
            sb.append("Via: ").append(request.message.headerValue(i, view)).append("\r\n");
        }
        sb.append("From: ").append(request.header(HeaderName.FROM)).append("\r\n");
        final String to = request.header(HeaderName.TO);
        sb.append("To: ").append(to);
        if (!to.contains(";tag=") && status > 100)
        {
            sb.append(";tag=").append(user).append("-tag");
        }
        sb.append("\r\n");
        sb.append("Call-ID: ").append(request.callId()).append("\r\n");
        sb.append("CSeq: ").append(request.header(HeaderName.CSEQ)).append("\r\n");
        if (status > 100 && status < 300)
        {
            sb.append("Contact: <sip:").append(user).append('@').append(hostPort()).append(">\r\n");
        }
        appendBody(sb, body);
        return sb.toString();
    }

    private String request(final String method, final String uri, final String branch, final long number,
        final String extra, final String body, final int maxForwards)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        sb.append("Via: SIP/2.0/UDP ").append(hostPort()).append(";branch=").append(branch).append(";rport\r\n");
        sb.append("Max-Forwards: ").append(maxForwards).append("\r\n");
        sb.append("From: ").append(localUri).append(";tag=").append(localTag).append("\r\n");
        sb.append("To: ").append(remoteUri);
        if (remoteTag != null)
        {
            sb.append(";tag=").append(remoteTag);
        }
        sb.append("\r\n");
        sb.append("Call-ID: ").append(callId).append("\r\n");
        sb.append("CSeq: ").append(number).append(' ').append(method).append("\r\n");
        if (!method.equals("ACK") && !method.equals("BYE"))
        {
            sb.append("Contact: <sip:").append(user).append('@').append(hostPort()).append(">\r\n");
        }
        if (extra != null)
        {
            sb.append(extra);
        }
        appendBody(sb, body);
        return sb.toString();
    }

    private static void appendBody(final StringBuilder sb, final String body)
    {
        if (body == null)
        {
            sb.append("Content-Length: 0\r\n\r\n");
        }
        else
        {
            sb.append("Content-Type: application/sdp\r\nContent-Length: ").append(body.length()).append("\r\n\r\n")
                .append(body);
        }
    }

    private String nextBranch()
    {
        return "z9hG4bK-" + user + "-" + (++branches);
    }

    private String hostPort()
    {
        return hostPort(address);
    }

    private static String hostPort(final InetSocketAddress a)
    {
        final String host = a.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ':' + a.getPort();
    }
}
