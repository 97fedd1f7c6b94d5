package dev.referee.benchmarks.capture;

import dev.referee.capture.HepCapture;
import dev.referee.capture.HepConfig;
import dev.referee.ring.PacketTap;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What HEP capture costs a socket thread per message ({@link PacketTap#copy} of a 700-byte INVITE into the capture
 * ring), with the real sender thread encoding and sending to a UDP socket on loopback that nobody reads. The
 * benchmark thread taps as fast as it can, faster than any node receives, so the ring fills and part of the copies
 * are dropped: the tear-down prints how many the sender thread sent per second, its capacity on this machine.
 * Run with {@code -prof gc} to see that a tap allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class HepCaptureBenchmark
{
    private static final String INVITE = "INVITE sip:bob@192.0.2.10 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\nTo: Bob <sip:bob@192.0.2.10>\r\nFrom: \"Alice\" <sip:alice@192.0.2.7>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\nCSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@192.0.2.7:5060>\r\nContent-Type: application/sdp\r\nContent-Length: 142\r\n\r\n" +
        "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" +
        "m=audio 49172 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" + "X-Pad: " + "x".repeat(200) + "\r\n";

    private final InetSocketAddress phone = new InetSocketAddress("192.0.2.7", 5060);
    private final InetSocketAddress referee = new InetSocketAddress("192.0.2.10", 5060);
    private DatagramChannel sink;
    private HepCapture capture;
    private PacketTap tap;
    private UnsafeBuffer message;
    private long startNs;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        sink = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        capture = new HepCapture(new HepConfig((InetSocketAddress)sink.getLocalAddress(), HepConfig.Transport.UDP,
            2001, null));
        tap = capture.newTap();
        message = new UnsafeBuffer(INVITE.getBytes(StandardCharsets.US_ASCII));
        capture.start();
        startNs = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        System.out.printf("%nHEP sender: %,d sent (%,.0f/s), %,d dropped, %,d errors in %.1f s%n",
            capture.sent(), capture.sent() / seconds, capture.dropped(), capture.errors(), seconds);
        capture.close();
        sink.close();
    }

    @Benchmark
    public void tap()
    {
        tap.copy(PacketTap.UDP, phone, referee, message, 0, message.capacity(), System.nanoTime());
    }
}
