package dev.referee.benchmarks.border;

import dev.referee.config.Cidr;
import dev.referee.transport.BorderGuard;
import dev.referee.transport.FloodConfig;
import dev.referee.transport.SecurityConfig;
import dev.referee.transport.TrunkSources;
import dev.referee.transport.UnknownSources;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the receive-side border ({@link BorderGuard#check}) adds to every received message, on a receive thread: the
 * trunk lookup, the flood bucket, and for unknown sources the 403. Sources rotate over 4,096 addresses in 64
 * trunks of mixed prefix lengths (so neither the one-entry source cache nor a single table slot hides the lookup),
 * and time moves 10 ms per message per source, below the flood rate, except in {@link #floodBlocked}.
 * Run with {@code -prof gc} to see that nothing is allocated per message (IPv4).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class BorderGuardBenchmark
{
    private static final int SOURCES = 4_096;

    private BorderGuard limited;
    private BorderGuard unlimited;
    private BorderGuard open;
    private BorderGuard rejecting;
    private final InetSocketAddress[] trunkSources = new InetSocketAddress[SOURCES];
    private InetSocketAddress stranger;
    private UnsafeBuffer invite;
    private int length;
    private int next;
    private long nowNs;

    @Setup
    public void setUp() throws Exception
    {
        final List<TrunkSources> trunks = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (int t = 0; t < 64; t++)
        {
            // Blocks of /16, /24 and /32 per trunk: three prefix lengths to probe, as a carrier's list has.
            trunks.add(new TrunkSources("t" + t, List.of(Cidr.parse("10." + t + ".0.0/16"),
                Cidr.parse("172.16." + t + ".0/24"), Cidr.parse("192.0.2." + t))));
            names.add("t" + t);
        }
        for (int i = 0; i < SOURCES; i++)
        {
            final int t = i % 64;
            final String host = i % 3 == 0 ? "10." + t + "." + (i / 64) + ".1" :
                i % 3 == 1 ? "172.16." + t + "." + (i / 64) : "192.0.2." + t;
            trunkSources[i] = new InetSocketAddress(InetAddress.getByName(host), 5060);
        }
        stranger = new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 5060);
        final FloodConfig flood = FloodConfig.defaults();
        limited = new BorderGuard(trunks, new SecurityConfig(UnknownSources.REJECT, flood, List.of()),
            new BorderGuard.Counters());
        unlimited = new BorderGuard(trunks, new SecurityConfig(UnknownSources.REJECT, flood, names),
            new BorderGuard.Counters());
        open = BorderGuard.open();
        rejecting = new BorderGuard(trunks, new SecurityConfig(UnknownSources.REJECT, FloodConfig.OFF, List.of()),
            new BorderGuard.Counters());

        final byte[] bytes = ("INVITE sip:bob@example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-776asdhds\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n" +
            "To: <sip:bob@example.com>\r\n" +
            "Call-ID: a84b4c76e66710@198.51.100.7\r\n" +
            "CSeq: 314159 INVITE\r\n" +
            "Contact: <sip:alice@198.51.100.7:5060>\r\n" +
            "Content-Type: application/sdp\r\n" +
            "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        invite = new UnsafeBuffer(bytes);
        length = bytes.length;
        // Block the stranger once, for the flood case.
        for (int i = 0; i <= flood.burst(); i++)
        {
            limited.check(invite, 0, length, stranger, 0);
        }
    }

    /** No trunk configured: what every message paid before the border (a type test and a branch). */
    @Benchmark
    public int noTrunks()
    {
        return open.check(invite, 0, length, source(), tick());
    }

    /** A request from a trunk with flood control: lookup and bucket. */
    @Benchmark
    public int trunkFloodLimited()
    {
        return limited.check(invite, 0, length, source(), tick());
    }

    /** A request from a trunk with {@code flood: false}: lookup only. */
    @Benchmark
    public int trunkUnlimited()
    {
        return unlimited.check(invite, 0, length, source(), tick());
    }

    /** A flood message from a blocked unknown source: lookup, bucket, drop. */
    @Benchmark
    public int floodBlocked()
    {
        return limited.check(invite, 0, length, stranger, 1_000_000L);
    }

    /** A request from an unknown source (flood control off, so that every one is answered): parse and the 403. */
    @Benchmark
    public int unknownRejected()
    {
        return rejecting.check(invite, 0, length, stranger, tick());
    }

    private InetSocketAddress source()
    {
        final InetSocketAddress source = trunkSources[next];
        next = (next + 1) & (SOURCES - 1);
        return source;
    }

    /** 10 ms per message per source on average (4,096 sources): each stays far below 200/s. */
    private long tick()
    {
        nowNs += 10_000_000L / SOURCES + 1;
        return nowNs;
    }
}
