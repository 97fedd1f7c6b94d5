package dev.referee.benchmarks.parser;

import dev.referee.sip.NameAddr;
import dev.referee.sip.SipMessage;
import dev.referee.sip.sdp.SessionDescription;
import gov.nist.javax.sdp.SessionDescriptionImpl;
import gov.nist.javax.sdp.parser.SDPAnnounceParser;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import org.agrona.DirectBuffer;

import javax.sdp.MediaDescription;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.MaxForwardsHeader;
import java.nio.charset.StandardCharsets;
import java.util.Vector;

/**
 * The same work on both parsers: parse one message, then read the fields a B2BUA decides on (method or status,
 * top Via branch, From and To tags, Call-ID, CSeq, Contact URI, Max-Forwards, Content-Length and, for SDP bodies,
 * the media port and connection address). Referee parses these lazily, JAIN-SIP eagerly; reading them makes the
 * two do comparable work. The returned sum keeps the JIT from discarding any of it.
 */
final class ParseWork
{
    private ParseWork()
    {
    }

    static long referee(
        final SipMessage message, final SessionDescription sdp, final DirectBuffer buffer, final int length)
    {
        if (!message.parse(buffer, 0, length))
        {
            throw new IllegalStateException("Referee rejected a benchmark message: " + message.errorReason());
        }
        long sum = message.isRequest() ? message.method() : message.statusCode();
        sum += message.topVia().branch().length();
        sum += message.from().tag().length();
        sum += message.to().tag().length();
        sum += message.callId().length();
        sum += message.cseqNumber();
        final NameAddr contact = message.contact();
        if (contact != null)
        {
            sum += contact.uri().length();
        }
        sum += message.maxForwards();
        sum += message.contentLength();
        if (message.bodyLength() > 0 && message.contentType().startsWith("application/sdp"))
        {
            if (!sdp.wrap(buffer, message.bodyOffset(), message.bodyLength()))
            {
                throw new IllegalStateException("Referee rejected a benchmark SDP body");
            }
            sum += sdp.mediaPort(0) + sdp.connectionAddress().length();
        }
        return sum;
    }

    static long jainSip(final StringMsgParser parser, final byte[] bytes) throws Exception
    {
        final SIPMessage message = parser.parseSIPMessage(bytes, true, false, null);
        long sum = message instanceof SIPRequest ?
            ((SIPRequest)message).getMethod().length() : ((SIPResponse)message).getStatusCode();
        sum += message.getTopmostVia().getBranch().length();
        sum += lengthOf(message.getFrom().getTag());
        sum += lengthOf(message.getTo().getTag());
        sum += message.getCallId().getCallId().length();
        sum += message.getCSeq().getSeqNumber();
        final ContactHeader contact = (ContactHeader)message.getHeader(ContactHeader.NAME);
        if (contact != null)
        {
            sum += contact.getAddress().getURI().isSipURI() ? 1 : 0;
        }
        final MaxForwardsHeader maxForwards = (MaxForwardsHeader)message.getHeader(MaxForwardsHeader.NAME);
        sum += maxForwards == null ? -1 : maxForwards.getMaxForwards();
        sum += message.getContentLength().getContentLength();
        final ContentTypeHeader contentType = message.getContentTypeHeader();
        if (contentType != null && "sdp".equals(contentType.getContentSubType()))
        {
            // JAIN-SIP leaves the body as bytes; its own SDP parser is the fair counterpart of wrap().
            final SessionDescriptionImpl sdp =
                new SDPAnnounceParser(new String(message.getRawContent(), StandardCharsets.US_ASCII)).parse();
            final Vector<?> media = sdp.getMediaDescriptions(false);
            sum += ((MediaDescription)media.get(0)).getMedia().getMediaPort();
            sum += sdp.getConnection().getAddress().length();
        }
        return sum;
    }

    private static int lengthOf(final String value)
    {
        return value == null ? 0 : value.length();
    }
}
