package dev.referee.capture;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HEP3 chunk layout of the spec (vendor 0x0000, types 0x0001..0x0011), checked chunk by chunk. */
class HepEncoderTest
{
    private static final String SIP = "BYE sip:bob@127.0.0.2:5062 SIP/2.0\r\nCall-ID: a84b4c76e66710@pc33\r\n" +
        "Content-Length: 0\r\n\r\n";
    private static final byte[] CALL_ID = "a84b4c76e66710@pc33".getBytes(StandardCharsets.US_ASCII);

    private final UnsafeBuffer out = new UnsafeBuffer(new byte[HepEncoder.MAX_PACKET_LENGTH]);

    @Test
    void shouldWriteEveryChunkOfAnIpv4UdpMessage() throws Exception
    {
        final CaptureRecord record = record(17, "127.0.0.1", 5060, "127.0.0.2", 5062, SIP);
        final int length = new HepEncoder(2001, null).encode(out, record, 1_796_348_069L, 967_185,
            new UnsafeBuffer(CALL_ID), 0, CALL_ID.length);

        final HepPacket packet = HepPacket.read(ByteBuffer.wrap(out.byteArray(), 0, length));
        assertEquals(length, packet.totalLength());
        assertTrue(packet.chunks().stream().allMatch(chunk -> chunk.vendor() == 0), "generic chunks only");
        assertEquals(2, packet.chunk(0x0001).uint(), "IP family: AF_INET");
        assertEquals(1, packet.chunk(0x0001).value().length);
        assertEquals(17, packet.chunk(0x0002).uint(), "IP protocol id: UDP");
        assertArrayEquals(InetAddress.getByName("127.0.0.1").getAddress(), packet.chunk(0x0003).value());
        assertArrayEquals(InetAddress.getByName("127.0.0.2").getAddress(), packet.chunk(0x0004).value());
        assertEquals(5060, packet.chunk(0x0007).uint());
        assertEquals(2, packet.chunk(0x0007).value().length);
        assertEquals(5062, packet.chunk(0x0008).uint());
        assertEquals(1_796_348_069L, packet.chunk(0x0009).uint() & 0xFFFFFFFFL);
        assertEquals(4, packet.chunk(0x0009).value().length);
        assertEquals(967_185, packet.chunk(0x000a).uint());
        assertEquals(1, packet.chunk(0x000b).uint(), "protocol type: SIP");
        assertEquals(2001, packet.chunk(0x000c).uint(), "capture agent id");
        assertEquals(4, packet.chunk(0x000c).value().length);
        assertEquals(SIP, packet.chunk(0x000f).text());
        assertEquals("a84b4c76e66710@pc33", packet.chunk(0x0011).text());
        assertFalse(packet.has(0x000e), "no authentication key without a password");
        assertFalse(packet.has(0x0005) || packet.has(0x0006), "no IPv6 address chunks");
    }

    @Test
    void shouldStartWithTheHeaderAndTheFamilyChunkInNetworkOrder()
    {
        final CaptureRecord record = record(6, "10.0.0.1", 5060, "10.0.0.2", 5070, SIP);
        final int length = new HepEncoder(1, null).encode(out, record, 0, 0, null, 0, 0);

        // "HEP3", total length, then vendor 0x0000, type 0x0001, chunk length 7, value 2.
        final String start = HexFormat.of().formatHex(out.byteArray(), 0, 13);
        assertEquals("48455033" + String.format("%04x", length) + "0000" + "0001" + "0007" + "02", start);
    }

    @Test
    void shouldPutTheAuthenticationKeyBeforeThePayloadAndTheCorrelationIdAfterIt()
    {
        final CaptureRecord record = record(17, "127.0.0.1", 5060, "127.0.0.2", 5062, SIP);
        final int length = new HepEncoder(7, "s3cret").encode(out, record, 1, 2, new UnsafeBuffer(CALL_ID), 0,
            CALL_ID.length);

        final HepPacket packet = HepPacket.read(ByteBuffer.wrap(out.byteArray(), 0, length));
        assertEquals("s3cret", packet.chunk(0x000e).text());
        // The order receivers that read fixed offsets (sngrep before 1.5, captagent's) expect.
        assertEquals(List.of(0x0001, 0x0002, 0x0007, 0x0008, 0x0009, 0x000a, 0x000b, 0x000c, 0x0003, 0x0004, 0x000e,
            0x000f, 0x0011), packet.types());
    }

    @Test
    void shouldWriteIpv6AddressesInTheirOwnChunks() throws Exception
    {
        final CaptureRecord record = record(6, "::1", 5060, "2001:db8::7", 5080, SIP);
        final int length = new HepEncoder(2001, null).encode(out, record, 1, 2, null, 0, 0);

        final HepPacket packet = HepPacket.read(ByteBuffer.wrap(out.byteArray(), 0, length));
        assertEquals(10, packet.chunk(0x0001).uint(), "IP family: AF_INET6");
        assertEquals(6, packet.chunk(0x0002).uint(), "IP protocol id: TCP");
        assertArrayEquals(InetAddress.getByName("::1").getAddress(), packet.chunk(0x0005).value());
        assertArrayEquals(InetAddress.getByName("2001:db8::7").getAddress(), packet.chunk(0x0006).value());
        assertFalse(packet.has(0x0003) || packet.has(0x0004), "no IPv4 address chunks");
        assertFalse(packet.has(0x0011), "no correlation id for a message without Call-ID");
    }

    @Test
    void shouldRefuseAMessageThatDoesNotFitHepsSixteenBitLength()
    {
        final String huge = "x".repeat(HepEncoder.MAX_PACKET_LENGTH - 98);
        final CaptureRecord record = record(17, "127.0.0.1", 5060, "127.0.0.2", 5062, huge);

        assertEquals(HepEncoder.TOO_LONG, new HepEncoder(1, null).encode(out, record, 0, 0, null, 0, 0));
        final CaptureRecord fits = record(17, "127.0.0.1", 5060, "127.0.0.2", 5062, huge.substring(200));
        // 99 bytes around the payload: header 6, three uint8 chunks 21, two uint16 16, three uint32 30, two IPv4 20,
        // the payload chunk's header 6.
        assertEquals(fits.messageLength() + 99, new HepEncoder(1, null).encode(out, fits, 0, 0, null, 0, 0));
    }

    /** A record as a {@link HepTap} writes it. */
    static CaptureRecord record(final int protocol, final String from, final int fromPort, final String to,
        final int toPort, final String message)
    {
        final var ring = new org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect((1 << 20) + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH)));
        final byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        new HepTap(ring).copy(protocol, new InetSocketAddress(from, fromPort), new InetSocketAddress(to, toPort),
            new UnsafeBuffer(bytes), 0, bytes.length, 42);
        final CaptureRecord record = new CaptureRecord();
        ring.read((type, buffer, index, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(index, copy);
            record.wrap(new UnsafeBuffer(copy), 0, length);
        });
        return record;
    }
}
