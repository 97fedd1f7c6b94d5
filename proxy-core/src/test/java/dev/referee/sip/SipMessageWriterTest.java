package dev.referee.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipMessageWriterTest
{
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
    private final SipMessageWriter writer = new SipMessageWriter();

    @Test
    void shouldWriteARequestThatParsesBack()
    {
        final UnsafeBuffer body = Corpus.text("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n");
        writer.wrap(out, 16)
            .requestLine("INVITE", "sip:bob@example.com")
            .header("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport")
            .header("Max-Forwards", 70)
            .header("From", "<sip:alice@example.com>;tag=a1")
            .header("To", "<sip:bob@example.com>")
            .header("Call-ID", "c1@192.0.2.1")
            .startHeader("CSeq").append(1).append(' ').append("INVITE").endHeader()
            .endWithBody("application/sdp", body, 0, body.capacity());

        final SipMessage message = new SipMessage();
        assertTrue(message.parse(out, 16, writer.length()), message.errorReason());
        assertEquals(writer.length(), message.length());
        assertEquals(SipMethod.INVITE, message.method());
        assertEquals("sip:bob@example.com", message.requestUri().toString());
        assertEquals(70, message.maxForwards());
        assertEquals("a1", message.from().tag().toString());
        assertEquals("c1@192.0.2.1", message.callId().toString());
        assertEquals(1, message.cseqNumber());
        assertTrue(message.topVia().hasRport());
        assertEquals("application/sdp", message.contentType().toString());
        assertEquals(body.capacity(), message.bodyLength());
        assertEquals(body.getStringWithoutLengthAscii(0, body.capacity()),
            out.getStringWithoutLengthAscii(message.bodyOffset(), message.bodyLength()));
    }

    @Test
    void shouldCopyViewsOfAReceivedMessageAsBytes()
    {
        final SipMessage request = Corpus.parse("rfc4475/esc01.dat");
        writer.wrap(out, 0)
            .statusLine(180, "Ringing")
            .header("Call-ID", request.callId())
            .startHeader("CSeq").append(request.cseqNumber()).append(' ').append(request.cseqMethodName()).endHeader()
            .endWithoutBody();
        final String text = new String(out.byteArray(), 0, writer.length(), StandardCharsets.US_ASCII);
        assertEquals("SIP/2.0 180 Ringing\r\nCall-ID: esc01.239409asdfakjkn23onasd0-3234\r\n" +
            "CSeq: 234234 INVITE\r\nContent-Length: 0\r\n\r\n", text);
    }
    @Test
    void shouldWriteStringsTheSameIntoAHeapBufferAtAnOffsetAsIntoADirectBuffer()
    {
        // Strings take an array copy into a heap buffer and a byte loop elsewhere: both keep each char's low byte.
        final byte[] array = new byte[256];
        final UnsafeBuffer heapSlice = new UnsafeBuffer(array, 40, 200);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(200));
        final String text = "Subject: caf\u00e9 \u20ac";
        final int heapLength = writer.wrap(heapSlice, 3).header("X", text).length();
        final int directLength = writer.wrap(direct, 3).header("X", text).length();

        assertEquals(heapLength, directLength);
        final byte[] fromHeap = new byte[heapLength];
        final byte[] fromDirect = new byte[directLength];
        heapSlice.getBytes(3, fromHeap);
        direct.getBytes(3, fromDirect);
        assertEquals(new String(fromDirect, StandardCharsets.ISO_8859_1), new String(fromHeap, StandardCharsets.ISO_8859_1));
        assertEquals("X: Subject: caf\u00e9 \u00ac\r\n", new String(fromHeap, StandardCharsets.ISO_8859_1));
        assertEquals(0, array[42], "nothing written before the slice's offset");
    }

    @Test
    void shouldRefuseAStringPastTheEndOfTheBuffer()
    {
        writer.wrap(new UnsafeBuffer(new byte[8]), 4);
        assertThrows(IndexOutOfBoundsException.class, () -> writer.append("12345"));
    }
}
