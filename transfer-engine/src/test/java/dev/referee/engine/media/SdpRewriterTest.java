package dev.referee.engine.media;

import dev.referee.config.AddressSyntax;
import dev.referee.sip.sdp.SessionDescription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a leg sees of an SDP body once Referee anchors its media (issue 10): the relay's address and ports, no ICE,
 * every other line as the sender wrote it; and what the relay learns of the sender.
 */
class SdpRewriterTest
{
    private final SdpRewriter rewriter = new SdpRewriter(AddressSyntax.ipLiteral("203.0.113.5"));

    @Test
    void shouldPointADeskPhonesOfferAtTheRelayAndKeepItsFourCodecs()
    {
        final String offer = "v=0\r\n" +
            "o=- 1733312000 1733312000 IN IP4 192.168.1.20\r\n" +
            "s=Polycom IP Phone\r\n" +
            "c=IN IP4 192.168.1.20\r\n" +
            "t=0 0\r\n" +
            "m=audio 2222 RTP/AVP 9 0 8 18 101\r\n" +
            "a=rtpmap:9 G722/8000\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:18 G729/8000\r\n" +
            "a=fmtp:18 annexb=no\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=ptime:20\r\n" +
            "a=sendrecv\r\n";

        assertEquals(1, rewriter.read(buffer(offer), 0, offer.length()));
        final String written = write(30000);

        assertEquals(offer.replace("c=IN IP4 192.168.1.20", "c=IN IP4 203.0.113.5")
            .replace("m=audio 2222 ", "m=audio 30000 "), written, "c= and the port change, nothing else");
        final PeerMedia peer = rewriter.peer();
        assertEquals(1, peer.count());
        assertTrue(peer.relayable(0));
        assertEquals("192.168.1.20", peer.address(0).toString());
        assertEquals(2222, peer.rtpPort(0));
        assertEquals(2223, peer.rtcpPort(0), "no a=rtcp: RTP + 1");
        assertFalse(peer.rtcpMux(0));
        assertEquals(SessionDescription.SENDRECV, peer.direction(0));
        assertFalse(peer.onHold(0));
        assertEquals(8000, peer.clockRateHz(0), "G722's RTP clock is 8000 (RFC 3551)");
    }

    @Test
    void shouldRemoveIceAndKeepRtcpMuxOfAWebRtcOffer()
    {
        final String offer = "v=0\r\n" +
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=group:BUNDLE 0\r\n" +
            "a=ice-options:trickle\r\n" +
            "a=msid-semantic: WMS stream\r\n" +
            "m=audio 50000 RTP/SAVPF 111 0 8 126\r\n" +
            "c=IN IP4 198.51.100.7\r\n" +
            "a=rtcp:50000 IN IP4 198.51.100.7\r\n" +
            "a=candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx raddr 10.0.0.5 rport 50000 " +
            "generation 0\r\n" +
            "a=candidate:3442447574 1 udp 2122260223 10.0.0.5 50000 typ host generation 0\r\n" +
            "a=end-of-candidates\r\n" +
            "a=ice-ufrag:F7gI\r\n" +
            "a=ice-pwd:x9cml/YzichV2+XlhiMu8g\r\n" +
            "a=ice-options:trickle\r\n" +
            "a=mid:0\r\n" +
            "a=sendrecv\r\n" +
            "a=rtcp-mux\r\n" +
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r\n" +
            "a=rtpmap:111 opus/48000/2\r\n" +
            "a=rtcp-fb:111 transport-cc\r\n" +
            "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:126 telephone-event/8000\r\n" +
            "a=ssrc:1001 cname:4TOk42mSjXCkVIa6\r\n";

        rewriter.read(buffer(offer), 0, offer.length());
        final String written = write(30002);

        assertEquals("v=0\r\n" +
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "t=0 0\r\n" +
            "a=group:BUNDLE 0\r\n" +
            "a=msid-semantic: WMS stream\r\n" +
            "m=audio 30002 RTP/SAVPF 111 0 8 126\r\n" +
            "c=IN IP4 203.0.113.5\r\n" +
            "a=rtcp:30002\r\n" +
            "a=mid:0\r\n" +
            "a=sendrecv\r\n" +
            "a=rtcp-mux\r\n" +
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r\n" +
            "a=rtpmap:111 opus/48000/2\r\n" +
            "a=rtcp-fb:111 transport-cc\r\n" +
            "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:126 telephone-event/8000\r\n" +
            "a=ssrc:1001 cname:4TOk42mSjXCkVIa6\r\n", written,
            "ICE gone at both levels; a=rtcp names the RTP port, RTCP being muxed on it; SDES keys pass end to end");
        final PeerMedia peer = rewriter.peer();
        assertTrue(peer.rtcpMux(0));
        assertEquals(50000, peer.rtcpPort(0), "as a=rtcp says");
        assertEquals(48000, peer.clockRateHz(0), "opus, from its a=rtpmap");
        assertEquals("198.51.100.7", peer.address(0).toString());
    }

    @Test
    void shouldRewriteAnIpv6OfferWithAnIpv6Address()
    {
        final SdpRewriter v6 = new SdpRewriter(AddressSyntax.ipLiteral("2001:db8::5"));
        final String offer = "v=0\r\no=alice 1 1 IN IP6 2001:db8::10\r\ns=-\r\nc=IN IP6 2001:db8::10\r\nt=0 0\r\n" +
            "m=audio 49170 RTP/AVP 8\r\na=rtcp:49171 IN IP6 2001:db8::10\r\n";

        v6.read(buffer(offer), 0, offer.length());
        final int length = v6.write(new int[] {31000});

        assertEquals("v=0\r\no=alice 1 1 IN IP6 2001:db8::10\r\ns=-\r\nc=IN IP6 2001:db8::5\r\nt=0 0\r\n" +
            "m=audio 31000 RTP/AVP 8\r\na=rtcp:31001\r\n", v6.output().getStringWithoutLengthAscii(0, length));
        assertEquals("2001:db8::10", v6.peer().address(0).toString());
        assertEquals(49171, v6.peer().rtcpPort(0));
        assertEquals(8000, v6.peer().clockRateHz(0), "PCMA from the static table");
    }

    @Test
    void shouldRewriteASessionLevelConnectionForEveryMediaLine()
    {
        final String offer = "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

        assertEquals(2, rewriter.read(buffer(offer), 0, offer.length()));

        assertEquals("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n" +
            "m=audio 30000 RTP/AVP 0\r\nm=video 30002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", write(30000, 30002),
            "no c= added at media level");
        assertEquals("192.0.2.1", rewriter.peer().address(1).toString());
        assertEquals(4002, rewriter.peer().rtpPort(1));
        assertEquals(90000, rewriter.peer().clockRateHz(1));
    }

    @Test
    void shouldRewriteMediaLevelConnectionsAndReportEachLinesAddress()
    {
        final String offer = "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nm=video 5000 RTP/AVP 96\r\nc=IN IP4 192.0.2.2\r\n" +
            "a=rtpmap:96 VP8/90000\r\n";

        rewriter.read(buffer(offer), 0, offer.length());

        assertEquals("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n" +
            "m=audio 30000 RTP/AVP 0\r\nc=IN IP4 203.0.113.5\r\nm=video 30002 RTP/AVP 96\r\nc=IN IP4 203.0.113.5\r\n" +
            "a=rtpmap:96 VP8/90000\r\n", write(30000, 30002), "no session-level c= added");
        assertEquals("192.0.2.1", rewriter.peer().address(0).toString());
        assertEquals("192.0.2.2", rewriter.peer().address(1).toString());
    }

    @Test
    void shouldRejectT38WithPortZeroWhateverPortIsGiven()
    {
        final String offer = "v=0\r\no=gw 1 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n" +
            "m=audio 6000 RTP/AVP 0\r\n" +
            "m=image 6002 udptl t38\r\na=T38FaxVersion:0\r\na=T38FaxRateManagement:transferredTCF\r\n" +
            "a=rtcp:6003\r\n";

        rewriter.read(buffer(offer), 0, offer.length());

        assertEquals("v=0\r\no=gw 1 2 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n" +
            "m=audio 30000 RTP/AVP 0\r\n" +
            "m=image 0 udptl t38\r\na=T38FaxVersion:0\r\na=T38FaxRateManagement:transferredTCF\r\n",
            write(30000, 30002), "the T.38 line rejected (RFC 3264 §6), its formats and attributes kept, its RTCP gone");
        assertTrue(rewriter.peer().relayable(0));
        assertFalse(rewriter.peer().relayable(1));
        assertEquals(PeerMedia.UNKNOWN_CLOCK_RATE, rewriter.peer().clockRateHz(1));
    }

    @Test
    void shouldRejectALineNoPortWasGivenForAndOneTheSenderDisabled()
    {
        final String offer = "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\nm=audio 4004/2 RTP/AVP 8\r\n";

        rewriter.read(buffer(offer), 0, offer.length());

        assertFalse(rewriter.peer().relayable(1), "port 0 in the body: already rejected");
        assertEquals("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n" +
            "m=audio 0 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\nm=audio 30004 RTP/AVP 8\r\n", write(0, 30002, 30004),
            "0 given: rejected; a disabled line stays 0; a port count goes with the one pair allocated");
        assertEquals("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n" +
            "m=audio 30000 RTP/AVP 0\r\nm=video 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 8\r\n", write(30000),
            "a line past the ports given: rejected");
    }

    @Test
    void shouldReportHoldFromAnAnswerAtMediaOrSessionLevel()
    {
        final String sendonly = "v=0\r\no=b 5 6 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" +
            "m=audio 7000 RTP/AVP 0\r\na=sendonly\r\n";
        rewriter.read(buffer(sendonly), 0, sendonly.length());
        assertEquals(SessionDescription.SENDONLY, rewriter.peer().direction(0));
        assertTrue(rewriter.peer().onHold(0), "media.hold-timeout applies");
        assertTrue(write(30000).endsWith("m=audio 30000 RTP/AVP 0\r\na=sendonly\r\n"), "the far party sees the hold");

        final String inactive = "v=0\r\no=b 5 7 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" +
            "a=inactive\r\nm=audio 7000 RTP/AVP 0\r\n";
        rewriter.read(buffer(inactive), 0, inactive.length());
        assertEquals(SessionDescription.INACTIVE, rewriter.peer().direction(0));

        final String rfc2543 = "v=0\r\no=b 5 8 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
            "m=audio 7000 RTP/AVP 0\r\n";
        rewriter.read(buffer(rfc2543), 0, rfc2543.length());
        assertEquals(SessionDescription.SENDONLY, rewriter.peer().direction(0));
        assertEquals(rfc2543.replace("7000", "30000"), write(30000), "c=0.0.0.0 is hold and stays (RFC 3264 §8.4)");

        final String notHold = rfc2543.replace("c=IN IP4 0.0.0.0", "c=IN IP4 192.0.2.8 0.0.0.0");
        rewriter.read(buffer(notHold), 0, notHold.length());
        assertEquals(SessionDescription.SENDRECV, rewriter.peer().direction(0));
        assertTrue(write(30000).contains("\r\nc=IN IP4 203.0.113.5\r\n"),
            "only the address field says hold, read as SessionDescription reads it (a fuzz finding)");

        final String resumed = sendonly.replace("a=sendonly", "a=sendrecv");
        rewriter.read(buffer(resumed), 0, resumed.length());
        assertFalse(rewriter.peer().onHold(0), "back to media.timeout");
    }

    @Test
    void shouldPointRtcpAtTheRelayWhenPresentAndAddNoneWhenAbsent()
    {
        final String with = "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\na=rtcp:4011\r\na=ptime:20\r\n";
        rewriter.read(buffer(with), 0, with.length());
        assertEquals(4011, rewriter.peer().rtcpPort(0));
        assertTrue(write(30000).endsWith("m=audio 30000 RTP/AVP 0\r\na=rtcp:30001\r\na=ptime:20\r\n"));

        final String without = with.replace("a=rtcp:4011\r\n", "");
        rewriter.read(buffer(without), 0, without.length());
        assertEquals(4001, rewriter.peer().rtcpPort(0));
        assertTrue(write(30000).endsWith("m=audio 30000 RTP/AVP 0\r\na=ptime:20\r\n"), "RTP + 1 is the default");
    }

    @Test
    void shouldKeepBareLineFeedsAsTheyCame()
    {
        final String offer = "v=0\no=a 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n" +
            "a=candidate:1 1 udp 1 192.0.2.1 4000 typ host\na=rtcp:4001";
        rewriter.read(buffer(offer), 0, offer.length());

        assertEquals("v=0\no=a 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 203.0.113.5\nt=0 0\nm=audio 30000 RTP/AVP 0\n" +
            "a=rtcp:30001", write(30000));
    }

    @Test
    void shouldRefuseWhatIsNotSdpOrDoesNotFit()
    {
        final String notSdp = "hello";
        assertEquals(SdpRewriter.NOT_SDP, rewriter.read(buffer(notSdp), 0, notSdp.length()));
        assertThrows(IllegalStateException.class, () -> rewriter.write(new int[] {30000}));
        assertEquals(SdpRewriter.TOO_LONG, rewriter.read(new UnsafeBuffer(new byte[SdpRewriter.MAX_BODY + 1]), 0,
            SdpRewriter.MAX_BODY + 1));

        // A body that fits, whose longer c= lines would not: refused, not truncated.
        final StringBuilder big = new StringBuilder("v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\n");
        while (big.length() < SdpRewriter.MAX_BODY - 20)
        {
            big.append("c=IN IP4 1.2.3.4\r\n");
        }
        assertEquals(1, rewriter.read(buffer(big.toString()), 0, big.length()));
        assertEquals(SdpRewriter.TOO_LONG, rewriter.write(new int[] {30000}));
    }

    @Test
    void shouldAllocateNothingPerBody()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final String offer = "v=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n" +
            "m=audio 50000 RTP/SAVPF 111 0\r\nc=IN IP4 198.51.100.7\r\na=rtcp:50001\r\na=rtcp-mux\r\n" +
            "a=candidate:1 1 udp 2122260223 10.0.0.5 50000 typ host\r\na=rtpmap:111 opus/48000/2\r\n" +
            "m=image 6002 udptl t38\r\n";
        final UnsafeBuffer body = buffer(offer);
        final int[] ports = {30000, 30002};
        int cyclesAllocating = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            rewriter.read(body, 0, offer.length());
            rewriter.write(ports);
            cyclesAllocating += i >= 10_000 && threads.getCurrentThreadAllocatedBytes() > before ? 1 : 0;
        }
        // The first 10,000 warm the JIT up; a one-off after them may be the JIT's, per body would be every one.
        assertTrue(cyclesAllocating <= 3, cyclesAllocating + " of 10,000 bodies allocated");
    }

    private String write(final int... ports)
    {
        final int length = rewriter.write(ports);
        assertTrue(length >= 0, "written");
        return rewriter.output().getStringWithoutLengthAscii(0, length);
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
