package dev.referee.sip.sdp;

import java.nio.charset.StandardCharsets;

import dev.referee.sip.AsciiView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionDescriptionTest
{
    private static final String OFFER =
        "v=0\r\n" +
        "o=alice 2890844526 2890844527 IN IP4 198.51.100.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 198.51.100.1\r\n" +
        "t=0 0\r\n" +
        "a=sendonly\r\n" +
        "m=audio 49170 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "m=video 51372 RTP/AVP 31\r\n" +
        "c=IN IP4 203.0.113.7/127\r\n" +
        "a=recvonly\r\n";

    private final SessionDescription sdp = new SessionDescription();

    private boolean wrap(final String text)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
        return sdp.wrap(buffer, 0, buffer.capacity());
    }

    @Test
    void shouldReadOriginConnectionAndMedia()
    {
        assertTrue(wrap(OFFER));
        assertEquals("alice", sdp.originUsername().toString());
        assertEquals("2890844526", sdp.originSessionId().toString());
        assertEquals("2890844527", sdp.originSessionVersion().toString());
        assertEquals("198.51.100.1", sdp.originAddress().toString());
        assertEquals("198.51.100.1", sdp.connectionAddress().toString());
        assertEquals(2, sdp.mediaCount());
        assertEquals("audio", sdp.mediaType(0).toString());
        assertEquals(49170, sdp.mediaPort(0));
        assertEquals("RTP/AVP", sdp.mediaProtocol(0).toString());
        assertEquals("0 8 101", sdp.mediaFormats(0).toString());
        assertEquals("198.51.100.1", sdp.mediaConnectionAddress(0).toString());
        assertEquals("203.0.113.7", sdp.mediaConnectionAddress(1).toString());
    }

    @Test
    void shouldLetMediaDirectionOverrideSessionDirection()
    {
        assertTrue(wrap(OFFER));
        assertEquals(SessionDescription.SENDONLY, sdp.direction());
        assertEquals(SessionDescription.SENDONLY, sdp.mediaDirection(0));
        assertEquals(SessionDescription.RECVONLY, sdp.mediaDirection(1));
    }

    @Test
    void shouldReadAttributesPerMediaAndSession()
    {
        assertTrue(wrap(OFFER));
        final AsciiView value = new AsciiView();
        assertTrue(sdp.attribute(0, "rtpmap", value));
        assertEquals("101 telephone-event/8000", value.toString());
        assertFalse(sdp.attribute(1, "rtpmap", value));
        assertTrue(sdp.attribute(-1, "sendonly", value));
        assertTrue(value.isEmpty());
        assertFalse(sdp.attribute(-1, "rtpmap", value));
    }

    @Test
    void shouldTolerateLineFeedOnlyLineEnds()
    {
        assertTrue(wrap(OFFER.replace("\r\n", "\n")));
        assertEquals(2, sdp.mediaCount());
        assertEquals("0 8 101", sdp.mediaFormats(0).toString());
        assertEquals("203.0.113.7", sdp.mediaConnectionAddress(1).toString());
    }

    @Test
    void shouldReadTheOldHoldAddressAsSendOnly()
    {
        assertTrue(wrap("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 0\r\n"));
        assertEquals(SessionDescription.SENDRECV, sdp.direction());
        assertEquals(SessionDescription.SENDONLY, sdp.mediaDirection(0));
    }

    @Test
    void shouldRejectWhatIsNotSdp()
    {
        assertFalse(wrap(""));
        assertFalse(wrap("o=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n"));
        assertFalse(wrap("v=0\r\ns=-\r\n"));
        assertFalse(wrap("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nm =video 3227 RTP/AVP 31\r\n"));
        assertFalse(wrap("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nm=audio x RTP/AVP 0\r\n"));
        final StringBuilder many = new StringBuilder("v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\n");
        for (int i = 0; i <= SessionDescription.MAX_MEDIA; i++)
        {
            many.append("m=audio 4000 RTP/AVP 0\r\n");
        }
        assertFalse(wrap(many.toString()));
    }
}
