package dev.referee.benchmarks.latency;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SipHopLatencyTest
{
    private static final int SERVER = 5060;
    private static final int CALLER = 6000;
    private static final int CALLEE = 7000;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream pcap = new DataOutputStream(bytes);

    @Test
    void shouldTimeEachRequestFromItsArrivalToTheRequestSentOnPairingTheCallsBySubject() throws IOException
    {
        header();
        packet(1_000_000, CALLER, SERVER, invite("a@caller", "", "call 1"));
        packet(1_000_250, SERVER, CALLEE, invite("b@referee", "", "call 1"));
        packet(1_500_000, CALLER, SERVER, invite("a@caller", "", "call 1")); // retransmission: counted once
        packet(1_600_000, SERVER, CALLEE, invite("b@referee", "", "call 1"));
        packet(1_700_000, SERVER, CALLER, "SIP/2.0 200 OK\r\nCall-ID: a@caller\r\n\r\n"); // responses: not timed
        packet(1_800_000, CALLER, SERVER, invite("a@caller", ";tag=x", "call 1")); // re-INVITE: not timed
        packet(1_900_000, SERVER, CALLEE, invite("c@referee", "", "call 2")); // no such INVITE came in
        packet(2_000_000, CALLER, SERVER, request("BYE", "a@caller", ";tag=x"));
        packet(2_000_400, SERVER, CALLEE, request("BYE", "b@referee", ";tag=y"));

        final SipHopLatency latency = new SipHopLatency(SERVER);
        latency.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertEquals(1, latency.invites().getTotalCount());
        assertEquals(250_000, latency.invites().getMaxValue(), 250);
        assertEquals(1, latency.byes().getTotalCount());
        assertEquals(400_000, latency.byes().getMaxValue(), 400);
        assertEquals(1, latency.unpaired());
    }

    private static String invite(final String callId, final String toTag, final String subject)
    {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n" +
            "To: <sip:bob@127.0.0.1>" + toTag + "\r\nFrom: <sip:alice@127.0.0.1>;tag=1\r\ni: " + callId +
            "\r\nCSeq: 1 INVITE\r\nSubject: " + subject + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static String request(final String method, final String callId, final String toTag)
    {
        return method + " sip:bob@127.0.0.1 SIP/2.0\r\nTo: <sip:bob@127.0.0.1>" + toTag + "\r\nCall-ID: " + callId +
            "\r\nCSeq: 2 " + method + "\r\nContent-Length: 0\r\n\r\n";
    }

    /** A little-endian, microsecond pcap header with Ethernet framing, as tcpdump writes on x86. */
    private void header() throws IOException
    {
        pcap.writeInt(0xd4c3b2a1);
        pcap.writeShort(Short.reverseBytes((short)2));
        pcap.writeShort(Short.reverseBytes((short)4));
        pcap.writeInt(0);
        pcap.writeInt(0);
        pcap.writeInt(Integer.reverseBytes(65535));
        pcap.writeInt(Integer.reverseBytes(1));
    }

    private void packet(final long atUs, final int from, final int to, final String sip) throws IOException
    {
        final byte[] payload = sip.getBytes(StandardCharsets.ISO_8859_1);
        final int length = 14 + 20 + 8 + payload.length;
        pcap.writeInt(Integer.reverseBytes((int)(atUs / 1_000_000)));
        pcap.writeInt(Integer.reverseBytes((int)(atUs % 1_000_000)));
        pcap.writeInt(Integer.reverseBytes(length));
        pcap.writeInt(Integer.reverseBytes(length));
        pcap.write(new byte[12]);
        pcap.writeShort(0x0800);
        pcap.writeByte(0x45);
        pcap.writeByte(0);
        pcap.writeShort(20 + 8 + payload.length);
        pcap.writeInt(0);
        pcap.writeByte(64);
        pcap.writeByte(17);
        pcap.writeShort(0);
        pcap.writeInt(0x7f000001);
        pcap.writeInt(0x7f000001);
        pcap.writeShort(from);
        pcap.writeShort(to);
        pcap.writeShort(8 + payload.length);
        pcap.writeShort(0);
        pcap.write(payload);
    }
}
