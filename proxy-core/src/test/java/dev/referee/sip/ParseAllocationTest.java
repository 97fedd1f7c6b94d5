package dev.referee.sip;

import java.lang.management.ManagementFactory;

import dev.referee.sip.sdp.SessionDescription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hot path allocates nothing: parse plus every typed view, after warm-up, on the test thread. */
class ParseAllocationTest
{
    private static final String INVITE =
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Via: SIP/2.0/TCP [2001:db8::9]:5070;branch=z9hG4bK3;received=192.0.2.7\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@biloxi.example.com>\r\n" +
        "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@pc33.atlanta.example.com;transport=udp>;expires=60\r\n" +
        "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n" +
        "Supported: replaces, timer\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 142\r\n" +
        "\r\n" +
        "v=0\r\n" +
        "o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.0.2.101\r\n" +
        "t=0 0\r\n" +
        "m=audio 49172 RTP/AVP 0 8\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=sendrecv\r\n";

    @Test
    void shouldParseAndReadEveryViewWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final UnsafeBuffer buffer = Corpus.text(INVITE);
        final SipMessage message = new SipMessage();
        final SessionDescription sdp = new SessionDescription();
        final AsciiView view = new AsciiView();
        final Via via = new Via();
        final NameAddr route = new NameAddr();
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final SipMessageWriter writer = new SipMessageWriter();

        long sink = 0;
        for (int i = 0; i < 50_000; i++)
        {
            sink += run(buffer, message, sdp, view, via, route, writer, out);
        }
        final long threadId = Thread.currentThread().getId();
        // One-off allocations (the counter itself, a late JIT recompilation) are noise, not per-parse garbage:
        // the best of a few rounds is measured. Any per-parse allocation shows in every round as >= 10,000 bytes.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 10_000; i++)
            {
                sink += run(buffer, message, sdp, view, via, route, writer, out);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(threadId) - before);
        }
        assertTrue(sink != 0);
        assertTrue(allocated < 64, "allocated " + allocated + " bytes over 10,000 parses");
    }

    private static long run(
        final UnsafeBuffer buffer,
        final SipMessage message,
        final SessionDescription sdp,
        final AsciiView view,
        final Via via,
        final NameAddr route,
        final SipMessageWriter writer,
        final UnsafeBuffer out)
    {
        if (!message.parse(buffer, 0, buffer.capacity()))
        {
            throw new IllegalStateException(message.errorReason());
        }
        long sum = message.method() + message.cseqNumber() + message.maxForwards() + message.contentLength();
        sum += message.requestUriView().host().length() + message.requestUriView().port();
        sum += message.topVia().branch().length() + message.topVia().port() + (message.topVia().hasRport() ? 1 : 0);
        sum += message.viaCount() + message.from().tag().length() + message.to().tag().length();
        sum += message.to().displayName().length() + message.from().uriView().user().length();
        sum += message.contact().uriView().host().length() + (message.contact().param("expires", view) ? 1 : 0);
        sum += message.callId().contentHash() + message.contentType().length();
        for (int i = message.findHeader(HeaderName.VIA, 0); i >= 0; i = message.findHeader(HeaderName.VIA, i + 1))
        {
            message.headerValue(i, view);
            sum += via.wrap(view.buffer(), view.offset(), view.length()) ? via.received().length() : 0;
        }
        for (int i = message.findHeader(HeaderName.RECORD_ROUTE, 0); i >= 0;
            i = message.findHeader(HeaderName.RECORD_ROUTE, i + 1))
        {
            message.headerValue(i, view);
            sum += route.wrap(view.buffer(), view.offset(), view.length()) ? route.uri().length() : 0;
        }
        if (sdp.wrap(buffer, message.bodyOffset(), message.bodyLength()))
        {
            sum += sdp.mediaPort(0) + sdp.mediaDirection(0) + sdp.mediaConnectionAddress(0).length();
            sum += sdp.attribute(0, "rtpmap", view) ? view.length() : 0;
        }
        Responses.start(message, 180, "Ringing", "tag1", writer.wrap(out, 0)).endWithoutBody();
        return sum + writer.length();
    }
}
