package dev.referee.benchmarks.media;

import dev.referee.media.MediaCommands;
import dev.referee.media.MediaPorts;
import dev.referee.media.MediaRelay;
import dev.referee.media.RelayConfig;
import dev.referee.media.RelayWait;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU of the relay thread per relayed packet on loopback at a fixed rate: {@code streams} one-way G.711 streams
 * (one 172-byte RTP packet every 20 ms each, 50 packets/s), each through a linked pair of endpoints, for one second
 * per invocation. The score (wall time of the second) means nothing; the tear-down of each iteration prints the
 * relay thread's CPU time per packet relayed, and the packets lost. {@code wait} compares the two ways the relay
 * thread can wait for packets (docs/media.md).
 * <pre>
 * mvn -o -B -q package -pl benchmarks -am -DskipTests
 * java -jar benchmarks/target/benchmarks.jar MediaRelayBenchmark -wi 1 -i 3 -p streams=10,400 -p wait=SELECT,POLL
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
@Warmup(iterations = 1, batchSize = 1)
@Measurement(iterations = 3, batchSize = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms256m", "-Xmx256m", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class MediaRelayBenchmark
{
    private static final long PTIME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int TICKS_PER_INVOCATION = 50;
    private static final int RTP_BYTES = 172;

    @Param({ "10", "400" })
    public int streams;

    @Param({ "SELECT", "POLL" })
    public RelayWait wait;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private MediaRelay relay;
    private DatagramChannel[] senders;
    private DatagramChannel[] receivers;
    private InetSocketAddress[] relayPorts;
    private final ByteBuffer packet = ByteBuffer.allocateDirect(RTP_BYTES);
    private final ByteBuffer sink = ByteBuffer.allocateDirect(2048);
    private long seq;
    private long sent;
    private long received;
    private long cpuStartNs;
    private long relayedStart;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        relay = new MediaRelay(RelayConfig.defaults(loopback).withWaiting(wait)).start();
        final MediaCommands commands = relay.commands();
        final MediaPorts ports = MediaPorts.parse("42000-49999");
        senders = new DatagramChannel[streams];
        receivers = new DatagramChannel[streams];
        relayPorts = new InetSocketAddress[streams];
        for (int i = 0; i < streams; i++)
        {
            senders[i] = phone(loopback);
            receivers[i] = phone(loopback);
            final long a = 2L * i;
            final int portA = RelayEndpoints.open(relay, commands, ports, a);
            final int portB = RelayEndpoints.open(relay, commands, ports, a + 1);
            final int receiverPort = ((InetSocketAddress)receivers[i].getLocalAddress()).getPort();
            commands.peer(a + 1, loopback, receiverPort, receiverPort + 1, false, 8000);
            commands.link(a, a + 1);
            relayPorts[i] = new InetSocketAddress(loopback, portA);
        }
        packet.put(0, (byte)0x80);
    }

    @Setup(Level.Iteration)
    public void startIteration()
    {
        sent = 0;
        received = 0;
        relayedStart = relay.counters().relayed();
        cpuStartNs = threads.getThreadCpuTime(relay.thread().getId());
    }

    @Benchmark
    public long relayOneSecond() throws IOException
    {
        long deadlineNs = System.nanoTime();
        for (int tick = 0; tick < TICKS_PER_INVOCATION; tick++)
        {
            seq++;
            packet.putShort(2, (short)seq).putInt(4, (int)(seq * 160));
            for (int i = 0; i < streams; i++)
            {
                packet.putInt(8, i).clear();
                sent += senders[i].send(packet, relayPorts[i]) > 0 ? 1 : 0;
            }
            drain();
            deadlineNs += PTIME_NS;
            LockSupport.parkNanos(deadlineNs - System.nanoTime());
        }
        return received;
    }

    @TearDown(Level.Iteration)
    public void report() throws IOException
    {
        drain();
        final long cpuNs = threads.getThreadCpuTime(relay.thread().getId()) - cpuStartNs;
        final long relayed = relay.counters().relayed() - relayedStart;
        System.out.printf("%n  [relay] %s, %d streams (%,d packets/s): %.2f us relay CPU per packet, %.1f%% of a core;"
                + " %,d sent, %,d relayed, %,d received%n",
            wait, streams, streams * 50, relayed == 0 ? 0.0 : cpuNs / 1000.0 / relayed,
            100.0 * cpuNs / (TICKS_PER_INVOCATION * PTIME_NS * 1.0), sent, relayed, received);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        relay.close();
        for (int i = 0; i < streams; i++)
        {
            senders[i].close();
            receivers[i].close();
        }
    }

    private void drain() throws IOException
    {
        for (final DatagramChannel receiver : receivers)
        {
            sink.clear();
            while (receiver.receive(sink) != null)
            {
                received++;
                sink.clear();
            }
        }
    }

    private static DatagramChannel phone(final InetAddress address) throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(address, 0));
        channel.configureBlocking(false);
        return channel;
    }
}
