package dev.referee.capture;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one captured SIP message as a HEP v3 packet (HEP3 Network Protocol Specification, sipcapture.org): the
 * header {@code "HEP3"} and a 16-bit total length, then chunks, each a 16-bit vendor id (0x0000, generic), a 16-bit
 * type, a 16-bit length that counts the chunk's own 6-byte header, and the value; all numbers in network byte order.
 * <p>
 * Chunks written, in this order:
 * <pre>
 * 0x0001 IP protocol family (uint8: 2 IPv4, 10 IPv6)  0x0002 IP protocol id (uint8: 17 UDP, 6 TCP)
 * 0x0007 source port (uint16)                         0x0008 destination port (uint16)
 * 0x0009 timestamp, seconds since the epoch (uint32)  0x000a its microseconds (uint32)
 * 0x000b protocol type (uint8: 1 SIP)                 0x000c capture agent id (uint32)
 * 0x0003/0x0005 source IPv4/IPv6 address              0x0004/0x0006 destination IPv4/IPv6 address
 * 0x000e authentication key (when a password is set)  0x000f the captured payload (the SIP message)
 * 0x0011 correlation id (the Call-ID, when the message has one)
 * </pre>
 * The spec allows any order. This one is the order captagent and Kamailio send and older receivers (sngrep before
 * 1.5) read at fixed offsets: the first eight chunks, the addresses, the key, then the payload. The correlation id
 * comes after the payload, where such a receiver no longer looks.
 * <p>
 * Not thread-safe: one encoder per sending thread.
 */
final class HepEncoder
{
    static final int CHUNK_HEADER_LENGTH = 6;
    /** HEP's total length is 16 bits: no packet is longer. */
    static final int MAX_PACKET_LENGTH = 0xFFFF;
    /** A packet that cannot hold its message (more than about 65,400 bytes of SIP). */
    static final int TOO_LONG = -1;

    static final int FAMILY_IPV4 = 2;
    static final int FAMILY_IPV6 = 10;
    static final int PROTOCOL_TYPE_SIP = 1;

    static final int CHUNK_IP_FAMILY = 0x0001;
    static final int CHUNK_IP_PROTOCOL = 0x0002;
    static final int CHUNK_IPV4_SOURCE = 0x0003;
    static final int CHUNK_IPV4_DESTINATION = 0x0004;
    static final int CHUNK_IPV6_SOURCE = 0x0005;
    static final int CHUNK_IPV6_DESTINATION = 0x0006;
    static final int CHUNK_SOURCE_PORT = 0x0007;
    static final int CHUNK_DESTINATION_PORT = 0x0008;
    static final int CHUNK_TIME_SECONDS = 0x0009;
    static final int CHUNK_TIME_MICROS = 0x000a;
    static final int CHUNK_PROTOCOL_TYPE = 0x000b;
    static final int CHUNK_AGENT_ID = 0x000c;
    static final int CHUNK_AUTH_KEY = 0x000e;
    static final int CHUNK_PAYLOAD = 0x000f;
    static final int CHUNK_CORRELATION_ID = 0x0011;

    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final int GENERIC_VENDOR = 0x0000;

    private final int agentId;
    private final byte[] password;

    /** @param password the authentication key; null for none. */
    HepEncoder(final int agentId, final String password)
    {
        this.agentId = agentId;
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes the HEP packet of {@code record} at the start of {@code out}.
     *
     * @param epochSeconds  capture time, whole seconds since 1970.
     * @param micros        and its microseconds, 0..999,999.
     * @param correlationId the Call-ID bytes, or null when the message has none (the chunk is left out).
     * @return the packet's length, or {@link #TOO_LONG} when it would not fit HEP's 16-bit length (nothing usable is
     * written then).
     */
    int encode(final MutableDirectBuffer out, final CaptureRecord record, final long epochSeconds, final int micros,
        final DirectBuffer correlationId, final int correlationOffset, final int correlationLength)
    {
        final boolean ipv6 = record.ipVersion() == 6;
        final int addressLength = record.addressLength();
        final int correlation = correlationId == null ? 0 : CHUNK_HEADER_LENGTH + correlationLength;
        final int length = 6 + 3 * (CHUNK_HEADER_LENGTH + 1) + 2 * (CHUNK_HEADER_LENGTH + 2) +
            3 * (CHUNK_HEADER_LENGTH + 4) + 2 * (CHUNK_HEADER_LENGTH + addressLength) +
            (password == null ? 0 : CHUNK_HEADER_LENGTH + password.length) +
            CHUNK_HEADER_LENGTH + record.messageLength() + correlation;
        if (length > MAX_PACKET_LENGTH || length > out.capacity())
        {
            return TOO_LONG;
        }

        out.putByte(0, (byte)'H');
        out.putByte(1, (byte)'E');
        out.putByte(2, (byte)'P');
        out.putByte(3, (byte)'3');
        out.putShort(4, (short)length, NETWORK);
        int at = 6;
        at = uint8(out, at, CHUNK_IP_FAMILY, ipv6 ? FAMILY_IPV6 : FAMILY_IPV4);
        at = uint8(out, at, CHUNK_IP_PROTOCOL, record.protocol());
        at = uint16(out, at, CHUNK_SOURCE_PORT, record.sourcePort());
        at = uint16(out, at, CHUNK_DESTINATION_PORT, record.destinationPort());
        at = uint32(out, at, CHUNK_TIME_SECONDS, (int)epochSeconds);
        at = uint32(out, at, CHUNK_TIME_MICROS, micros);
        at = uint8(out, at, CHUNK_PROTOCOL_TYPE, PROTOCOL_TYPE_SIP);
        at = uint32(out, at, CHUNK_AGENT_ID, agentId);

        at = header(out, at, ipv6 ? CHUNK_IPV6_SOURCE : CHUNK_IPV4_SOURCE, addressLength);
        record.sourceAddress(out, at);
        at += addressLength;
        at = header(out, at, ipv6 ? CHUNK_IPV6_DESTINATION : CHUNK_IPV4_DESTINATION, addressLength);
        record.destinationAddress(out, at);
        at += addressLength;

        if (password != null)
        {
            at = header(out, at, CHUNK_AUTH_KEY, password.length);
            out.putBytes(at, password);
            at += password.length;
        }
        at = header(out, at, CHUNK_PAYLOAD, record.messageLength());
        out.putBytes(at, record.buffer(), record.messageOffset(), record.messageLength());
        at += record.messageLength();
        if (correlationId != null)
        {
            at = header(out, at, CHUNK_CORRELATION_ID, correlationLength);
            out.putBytes(at, correlationId, correlationOffset, correlationLength);
            at += correlationLength;
        }
        assert at == length : at + " != " + length;
        return length;
    }

    private static int uint8(final MutableDirectBuffer out, final int at, final int type, final int value)
    {
        final int next = header(out, at, type, 1);
        out.putByte(next, (byte)value);
        return next + 1;
    }

    private static int uint16(final MutableDirectBuffer out, final int at, final int type, final int value)
    {
        final int next = header(out, at, type, 2);
        out.putShort(next, (short)value, NETWORK);
        return next + 2;
    }

    private static int uint32(final MutableDirectBuffer out, final int at, final int type, final int value)
    {
        final int next = header(out, at, type, 4);
        out.putInt(next, value, NETWORK);
        return next + 4;
    }

    /** A chunk header for a value of {@code valueLength} bytes; returns where the value goes. */
    private static int header(final MutableDirectBuffer out, final int at, final int type, final int valueLength)
    {
        out.putShort(at, (short)GENERIC_VENDOR, NETWORK);
        out.putShort(at + 2, (short)type, NETWORK);
        out.putShort(at + 4, (short)(CHUNK_HEADER_LENGTH + valueLength), NETWORK);
        return at + CHUNK_HEADER_LENGTH;
    }
}
