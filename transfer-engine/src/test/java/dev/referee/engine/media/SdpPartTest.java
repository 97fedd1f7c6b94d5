package dev.referee.engine.media;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDP part of a SIP-I body (RFC 3204: SDP beside ISUP in multipart/mixed), found and replaced byte-exactly. */
class SdpPartTest
{
    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 4000 RTP/AVP 8\r\n";
    private static final String ISUP = "\u0001\u0000\u0049\u0000\u0000\u0003\u0002\u0000\u0007\u0003\u0010\u0021";
    private static final String SIP_I = "--unique-boundary-1\r\n" +
        "Content-Type: application/sdp\r\n\r\n" + SDP +
        "\r\n--unique-boundary-1\r\n" +
        "Content-Type: application/ISUP;version=itu-t92+\r\nContent-Disposition: signal;handling=optional\r\n\r\n" +
        ISUP + "\r\n--unique-boundary-1--\r\n";

    private final SdpPart part = new SdpPart();

    private static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldFindTheSdpPartOfASipIBody()
    {
        final UnsafeBuffer body = bytes("xx" + SIP_I);
        assertTrue(part.find("multipart/mixed;boundary=unique-boundary-1", body, 2, SIP_I.length()));
        assertEquals(SDP, body.getStringWithoutLengthAscii(part.offset(), part.length()));
    }

    @Test
    void shouldFindItAfterAnotherPartWithAQuotedBoundaryAndAnyCase()
    {
        final String isupFirst = "preamble\r\n--b1\r\ncontent-type: application/isup\r\n\r\n" + ISUP + "\r\n--b1\r\n" +
            "CONTENT-TYPE:application/SDP\r\n\r\n" + SDP + "\r\n--b1--";
        final UnsafeBuffer body = bytes(isupFirst);
        assertTrue(part.find("Multipart/Mixed; boundary=\"b1\"", body, 0, isupFirst.length()));
        assertEquals(SDP, body.getStringWithoutLengthAscii(part.offset(), part.length()));
    }

    @Test
    void shouldReplaceOnlyTheSdpContent()
    {
        final UnsafeBuffer body = bytes(SIP_I);
        assertTrue(part.find("multipart/mixed;boundary=unique-boundary-1", body, 0, SIP_I.length()));
        final String rewritten = SDP.replace("192.0.2.10", "203.0.113.5").replace("4000", "30000");
        final int length = part.splice(body, 0, SIP_I.length(), bytes(rewritten), rewritten.length());
        assertEquals(SIP_I.replace(SDP, rewritten),
            new String(part.output().byteArray(), 0, length, StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldFindNoneWithoutAnSdpPartABoundaryOrAnEnd()
    {
        final String isupOnly = "--b\r\nContent-Type: application/isup\r\n\r\n" + ISUP + "\r\n--b--\r\n";
        assertFalse(part.find("multipart/mixed;boundary=b", bytes(isupOnly), 0, isupOnly.length()));
        assertFalse(part.find("multipart/mixed", bytes(SIP_I), 0, SIP_I.length()), "no boundary parameter");
        assertFalse(part.find("application/isup", bytes(SIP_I), 0, SIP_I.length()), "not multipart");
        final String cut = SIP_I.substring(0, SIP_I.indexOf("m=audio"));
        assertFalse(part.find("multipart/mixed;boundary=unique-boundary-1", bytes(cut), 0, cut.length()),
            "a part with no delimiter after it");
        assertFalse(part.find(null, bytes(SIP_I), 0, SIP_I.length()));
    }
}
