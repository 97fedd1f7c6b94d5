package dev.referee.ops.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** IPv6 and TCP frames, which the journal of the UDP/IPv4 tests does not have, read back by tshark. */
class PcapWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteIpv6UdpAndIpv4TcpThatTsharkDecodes() throws Exception
    {
        final byte[] options = ("OPTIONS sip:bob@[::1]:5060 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP [::1]:5070;branch=z9hG4bK-1\r\n" +
            "From: <sip:alice@[::1]>;tag=1\r\nTo: <sip:bob@[::1]>\r\nCall-ID: v6@test\r\nCSeq: 1 OPTIONS\r\n" +
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] ok = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-2\r\n" +
            "From: <sip:alice@x>;tag=1\r\nTo: <sip:bob@x>;tag=2\r\nCall-ID: tcp@test\r\nCSeq: 1 OPTIONS\r\n" +
            "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        final Path file = dir.resolve("mixed.pcap");
        try (OutputStream out = Files.newOutputStream(file))
        {
            final PcapWriter pcap = new PcapWriter(out);
            pcap.write(1_800_000_000_000_000_000L, new InetSocketAddress("::1", 5070),
                new InetSocketAddress("::1", 5060), false, options);
            pcap.write(1_800_000_000_500_000_000L, new InetSocketAddress("127.0.0.1", 5060),
                new InetSocketAddress("127.0.0.1", 5070), true, ok);
        }
        final String tshark = DebianTools.ensure("tshark", "tshark");
        assertNotNull(tshark, "tshark is missing and could not be installed (apt-get install tshark)");
        final DebianTools.Result read = DebianTools.run(List.of(tshark, "-r", file.toString(), "-d",
            "tcp.port==5060,sip", "-T", "fields", "-e", "frame.time_epoch", "-e", "ipv6.src", "-e", "ip.src",
            "-e", "tcp.srcport", "-e", "sip.Method", "-e", "sip.Status-Code", "-e", "udp.checksum.status",
            "-e", "tcp.checksum.status", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"), 120);
        assertEquals(0, read.exitCode(), read.output());
        final List<String> rows = read.output().lines().filter(l -> l.startsWith("1800000000")).toList();
        assertEquals(2, rows.size(), read.output());
        assertEquals("1800000000.000000000\t::1\t\t\tOPTIONS\t\t1\t", rows.get(0));
        assertEquals("1800000000.500000000\t\t127.0.0.1\t5060\t\t200\t\t1", rows.get(1));
    }
}
