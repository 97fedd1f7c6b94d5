package dev.referee.ops.journal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a classic pcap file (link type Ethernet) with hand-built Ethernet, IPv4 or IPv6, and UDP or TCP headers
 * around each SIP message, so that Wireshark and tshark decode the messages with their original addresses and
 * times. TCP segments carry PSH+ACK with per-direction sequence numbers that count the bytes written (no
 * handshake: the capture starts mid-connection, which dissectors accept).
 */
final class PcapWriter
{
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    private final OutputStream out;
    private final Map<String, long[]> tcpSequences = new HashMap<>();

    PcapWriter(final OutputStream out) throws IOException
    {
        this.out = out;
        final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535)
            .putInt(LINKTYPE_ETHERNET);
        out.write(header.array());
    }

    void write(final long wallClockNs, final InetSocketAddress source, final InetSocketAddress destination,
        final boolean tcp, final byte[] payload) throws IOException
    {
        final boolean v4 = source.getAddress() instanceof Inet4Address;
        final byte[] transport = tcp ? tcp(source, destination, payload) : udp(source, destination, payload);
        final byte[] ip = v4 ? ipv4(source, destination, tcp, transport) : ipv6(source, destination, tcp, transport);
        final ByteBuffer frame = ByteBuffer.allocate(14 + ip.length).order(ByteOrder.BIG_ENDIAN);
        frame.put(new byte[]{ 0, 0, 0, 0, 0, 2 }).put(new byte[]{ 0, 0, 0, 0, 0, 1 })
            .putShort((short)(v4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6)).put(ip);

        final ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt((int)(wallClockNs / 1_000_000_000L)).putInt((int)(wallClockNs % 1_000_000_000L / 1000))
            .putInt(frame.capacity()).putInt(frame.capacity());
        out.write(record.array());
        out.write(frame.array());
    }

    private static byte[] udp(final InetSocketAddress source, final InetSocketAddress destination,
        final byte[] payload)
    {
        final ByteBuffer udp = ByteBuffer.allocate(8 + payload.length).order(ByteOrder.BIG_ENDIAN);
        udp.putShort((short)source.getPort()).putShort((short)destination.getPort())
            .putShort((short)(8 + payload.length)).putShort((short)0).put(payload);
        final int checksum = checksum(source, destination, PROTO_UDP, udp.array());
        udp.putShort(6, (short)(checksum == 0 ? 0xFFFF : checksum));
        return udp.array();
    }

    private byte[] tcp(final InetSocketAddress source, final InetSocketAddress destination, final byte[] payload)
    {
        final long[] forward = tcpSequences.computeIfAbsent(source + ">" + destination, k -> new long[]{ 1 });
        final long[] backward = tcpSequences.computeIfAbsent(destination + ">" + source, k -> new long[]{ 1 });
        final ByteBuffer tcp = ByteBuffer.allocate(20 + payload.length).order(ByteOrder.BIG_ENDIAN);
        tcp.putShort((short)source.getPort()).putShort((short)destination.getPort())
            .putInt((int)forward[0]).putInt((int)backward[0])
            .put((byte)(5 << 4)).put((byte)0x18).putShort((short)65535).putShort((short)0).putShort((short)0)
            .put(payload);
        forward[0] += payload.length;
        tcp.putShort(16, (short)checksum(source, destination, PROTO_TCP, tcp.array()));
        return tcp.array();
    }

    private static byte[] ipv4(final InetSocketAddress source, final InetSocketAddress destination,
        final boolean tcp, final byte[] transport)
    {
        final ByteBuffer ip = ByteBuffer.allocate(20 + transport.length).order(ByteOrder.BIG_ENDIAN);
        ip.put((byte)0x45).put((byte)0).putShort((short)(20 + transport.length)).putShort((short)0)
            .putShort((short)0x4000).put((byte)64).put((byte)(tcp ? PROTO_TCP : PROTO_UDP)).putShort((short)0)
            .put(source.getAddress().getAddress()).put(destination.getAddress().getAddress());
        ip.putShort(10, (short)fold(sum(ip.array(), 0, 20, 0)));
        ip.position(20);
        ip.put(transport);
        return ip.array();
    }

    private static byte[] ipv6(final InetSocketAddress source, final InetSocketAddress destination,
        final boolean tcp, final byte[] transport)
    {
        final ByteBuffer ip = ByteBuffer.allocate(40 + transport.length).order(ByteOrder.BIG_ENDIAN);
        ip.putInt(0x60000000).putShort((short)transport.length).put((byte)(tcp ? PROTO_TCP : PROTO_UDP))
            .put((byte)64).put(source.getAddress().getAddress()).put(destination.getAddress().getAddress())
            .put(transport);
        return ip.array();
    }

    /** The TCP/UDP checksum over the pseudo-header (RFC 768, RFC 793, RFC 8200 §8.1) and the segment. */
    private static int checksum(final InetSocketAddress source, final InetSocketAddress destination,
        final int protocol, final byte[] segment)
    {
        final byte[] src = source.getAddress().getAddress();
        final byte[] dst = destination.getAddress().getAddress();
        long sum = sum(src, 0, src.length, 0);
        sum = sum(dst, 0, dst.length, sum);
        sum += protocol;
        sum += segment.length & 0xFFFF;
        sum += segment.length >>> 16;
        sum = sum(segment, 0, segment.length, sum);
        return fold(sum);
    }

    private static long sum(final byte[] bytes, final int offset, final int length, final long start)
    {
        long sum = start;
        for (int i = 0; i + 1 < length; i += 2)
        {
            sum += ((bytes[offset + i] & 0xFF) << 8) | (bytes[offset + i + 1] & 0xFF);
        }
        if ((length & 1) != 0)
        {
            sum += (bytes[offset + length - 1] & 0xFF) << 8;
        }
        return sum;
    }

    private static int fold(final long sum)
    {
        long s = sum;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)(~s & 0xFFFF);
    }
}
