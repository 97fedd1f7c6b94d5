package dev.referee.benchmarks.media;

import dev.referee.media.MediaCommands;
import dev.referee.media.MediaPorts;
import dev.referee.media.MediaRelay;
import dev.referee.media.RelayConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Referee's media relay against rtpengine (userspace forwarding, driven over its ng control protocol) on the same
 * generated load, in alternation: {@code calls} G.711 calls on loopback, each two phones sending one 172-byte RTP
 * packet every 20 ms to their relay port (50 packets/s each way). Per run: the relay's CPU per packet relayed (Referee:
 * its relay thread's CPU time; rtpengine: its whole process's, from /proc), the share of a core, packets sent and
 * received and the streams that lost any. Started by {@code benchmarks/scripts/media-vs-rtpengine.sh}, which installs
 * and starts rtpengine; see docs/benchmarks.md.
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.referee.benchmarks.media.RelayComparison \
 *     --rtpengine 127.0.0.1:2223 --rtpengine-pid PID --calls 50,500 --seconds 10 --rounds 2
 * </pre>
 */
public final class RelayComparison
{
    private static final long PTIME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int RTP_BYTES = 172;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final Pattern AUDIO_PORT = Pattern.compile("(?m)^m=audio (\\d+) ");

    private final InetAddress loopback = InetAddress.getLoopbackAddress();

    /** A relay under test: set up the calls, say what CPU it used so far. */
    interface Relay extends AutoCloseable
    {
        String name();

        /** Anchors a call between phones {@code a} and {@code b}: where each must send ({a's target, b's target}). */
        InetSocketAddress[] anchor(int call, InetSocketAddress a, InetSocketAddress b) throws IOException;

        long cpuNs();

        @Override
        void close() throws IOException;
    }

    public static void main(final String[] args) throws Exception
    {
        String rtpengine = null;
        long rtpenginePid = 0;
        String callCounts = "50,500";
        int seconds = 10;
        int rounds = 2;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--rtpengine" -> rtpengine = args[++i];
                case "--rtpengine-pid" -> rtpenginePid = Long.parseLong(args[++i]);
                case "--calls" -> callCounts = args[++i];
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        final RelayComparison comparison = new RelayComparison();
        System.out.println("| relay | calls | packets/s offered | CPU per packet | CPU share of a core | sent | received |" +
            " streams with loss |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (final String count : callCounts.split(","))
        {
            final int calls = Integer.parseInt(count.trim());
            for (int round = 0; round < rounds; round++)
            {
                try (Relay referee = comparison.referee())
                {
                    comparison.run(referee, calls, seconds);
                }
                if (rtpengine != null)
                {
                    try (Relay engine = comparison.rtpengine(rtpengine, rtpenginePid, round))
                    {
                        comparison.run(engine, calls, seconds);
                    }
                }
            }
        }
    }

    private void run(final Relay relay, final int calls, final int seconds) throws IOException
    {
        final DatagramChannel[] phones = new DatagramChannel[2 * calls];
        final InetSocketAddress[] targets = new InetSocketAddress[2 * calls];
        for (int call = 0; call < calls; call++)
        {
            phones[2 * call] = phone();
            phones[2 * call + 1] = phone();
            final InetSocketAddress[] pair = relay.anchor(call, address(phones[2 * call]), address(phones[2 * call + 1]));
            targets[2 * call] = pair[0];
            targets[2 * call + 1] = pair[1];
        }
        final long[] sent = new long[phones.length];
        final long[] received = new long[phones.length];
        final ByteBuffer packet = ByteBuffer.allocateDirect(RTP_BYTES);
        final ByteBuffer sink = ByteBuffer.allocateDirect(2048);
        final int warmUpTicks = 100;
        final int measuredTicks = seconds * 50;
        long deadlineNs = System.nanoTime();
        long cpuStart = 0;
        long windowStartNs = 0;
        long sentStart = 0;
        long receivedStart = 0;
        for (int tick = 0; tick < warmUpTicks + measuredTicks; tick++)
        {
            if (tick == warmUpTicks)
            {
                drain(phones, received, sink);
                cpuStart = relay.cpuNs();
                windowStartNs = System.nanoTime();
                sentStart = sum(sent);
                receivedStart = sum(received);
            }
            for (int i = 0; i < phones.length; i++)
            {
                packet.clear();
                packet.put((byte)0x80).put((byte)0).putShort((short)tick).putInt(tick * 160).putInt(i);
                packet.position(RTP_BYTES).flip();
                sent[i] += phones[i].send(packet, targets[i]) > 0 ? 1 : 0;
            }
            drain(phones, received, sink);
            deadlineNs += PTIME_NS;
            LockSupport.parkNanos(deadlineNs - System.nanoTime());
        }
        final long cpuNs = relay.cpuNs() - cpuStart;
        // The window as it was, not as planned: a generator that falls behind (one thread, thousands of sockets) makes
        // it longer, and the packets/s offered lower than the row says.
        final long windowNs = System.nanoTime() - windowStartNs;
        final long measuredReceived = sum(received) - receivedStart;
        // What was in flight at the end of the window arrives now; loss is counted over the whole run.
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < endNs)
        {
            drain(phones, received, sink);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        int lossy = 0;
        for (int i = 0; i < phones.length; i++)
        {
            final int peer = i ^ 1;
            lossy += received[i] < sent[peer] ? 1 : 0;
        }
        System.out.printf("| %s | %,d | %,d | %.2f us | %.1f %% | %,d | %,d | %d of %d |%n", relay.name(), calls,
            calls * 100, measuredReceived == 0 ? 0.0 : cpuNs / 1000.0 / measuredReceived,
            100.0 * cpuNs / windowNs, sum(sent) - sentStart, measuredReceived, lossy, phones.length);
        for (final DatagramChannel phone : phones)
        {
            phone.close();
        }
    }

    private static void drain(final DatagramChannel[] phones, final long[] received, final ByteBuffer sink)
        throws IOException
    {
        for (int i = 0; i < phones.length; i++)
        {
            sink.clear();
            while (phones[i].receive(sink) != null)
            {
                received[i]++;
                sink.clear();
            }
        }
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long value : values)
        {
            total += value;
        }
        return total;
    }

    private DatagramChannel phone() throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open();
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress(loopback, 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static InetSocketAddress address(final DatagramChannel channel) throws IOException
    {
        return (InetSocketAddress)channel.getLocalAddress();
    }

    // ---- Referee's relay, in this process -------------------------------------------------------------------

    private Relay referee()
    {
        final MediaRelay relay = new MediaRelay(RelayConfig.defaults(loopback).withMaxEndpoints(10_000)).start();
        final MediaCommands commands = relay.commands();
        final MediaPorts ports = MediaPorts.parse("20000-29999");
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return new Relay()
        {
            @Override
            public String name()
            {
                return "Referee (relay thread)";
            }

            @Override
            public InetSocketAddress[] anchor(final int call, final InetSocketAddress a, final InetSocketAddress b)
            {
                final long endpointA = 2L * call;
                final long endpointB = endpointA + 1;
                final int portA = RelayEndpoints.open(relay, commands, ports, endpointA);
                final int portB = RelayEndpoints.open(relay, commands, ports, endpointB);
                commands.peer(endpointA, loopback, a.getPort(), a.getPort() + 1, false, 8000);
                commands.peer(endpointB, loopback, b.getPort(), b.getPort() + 1, false, 8000);
                commands.link(endpointA, endpointB);
                return new InetSocketAddress[] {new InetSocketAddress(loopback, portA),
                    new InetSocketAddress(loopback, portB)};
            }

            @Override
            public long cpuNs()
            {
                return threads.getThreadCpuTime(relay.thread().getId());
            }

            @Override
            public void close()
            {
                relay.close();
            }
        };
    }

    // ---- rtpengine, over its ng protocol ----------------------------------------------------------------------

    private Relay rtpengine(final String control, final long pid, final int round) throws IOException
    {
        final int colon = control.lastIndexOf(':');
        final InetSocketAddress ng = new InetSocketAddress(control.substring(0, colon),
            Integer.parseInt(control.substring(colon + 1)));
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(loopback, 0));
        final List<String> callIds = new ArrayList<>();
        final String prefix = "cmp-" + ProcessHandle.current().pid() + "-" + round + "-" + System.nanoTime() + "-";
        return new Relay()
        {
            private int cookie;

            @Override
            public String name()
            {
                return "rtpengine (process, userspace)";
            }

            @Override
            public InetSocketAddress[] anchor(final int call, final InetSocketAddress a, final InetSocketAddress b)
                throws IOException
            {
                final String callId = prefix + call;
                callIds.add(callId);
                final String offered = command(Bencode.dict("call-id", callId, "command", "offer", "from-tag", "a",
                    "sdp", sdp(a.getPort())));
                final String answered = command(Bencode.dict("call-id", callId, "command", "answer", "from-tag", "a",
                    "sdp", sdp(b.getPort()), "to-tag", "b"));
                // The offer's SDP goes to B (where B sends), the answer's to A.
                return new InetSocketAddress[] {new InetSocketAddress(loopback, audioPort(answered)),
                    new InetSocketAddress(loopback, audioPort(offered))};
            }

            @Override
            public long cpuNs()
            {
                return processCpuNs(pid);
            }

            @Override
            public void close() throws IOException
            {
                for (final String callId : callIds)
                {
                    command(Bencode.dict("call-id", callId, "command", "delete", "from-tag", "a"));
                }
                channel.close();
            }

            private String command(final String body) throws IOException
            {
                // rtpengine keeps the answer of each cookie, to answer a retransmitted command the same: a cookie is
                // never used twice, across rounds too.
                final String id = prefix + (++cookie);
                channel.send(ByteBuffer.wrap((id + " " + body).getBytes(StandardCharsets.ISO_8859_1)), ng);
                final ByteBuffer in = ByteBuffer.allocate(65_536);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                channel.configureBlocking(false);
                while (System.nanoTime() < deadline)
                {
                    in.clear();
                    if (channel.receive(in) != null)
                    {
                        final String reply = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
                        if (reply.startsWith(id + " "))
                        {
                            if (!reply.contains("6:result2:ok"))
                            {
                                throw new IOException("rtpengine refused: " + reply);
                            }
                            return reply;
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
                }
                throw new IOException("rtpengine did not answer on " + ng);
            }
        };
    }

    private String sdp(final int port)
    {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    }

    private static int audioPort(final String reply)
    {
        final Matcher m = AUDIO_PORT.matcher(reply);
        if (!m.find())
        {
            throw new IllegalStateException("no m=audio in rtpengine's SDP: " + reply);
        }
        return Integer.parseInt(m.group(1));
    }

    /** utime + stime of every thread of {@code pid}, from /proc/PID/stat (fields 14 and 15, in clock ticks). */
    static long processCpuNs(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * (TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, ex);
        }
    }

    /** The bencode the ng protocol speaks: a dictionary of strings, keys in the order given (sorted by the caller). */
    static final class Bencode
    {
        private Bencode()
        {
        }

        static String dict(final String... keysAndValues)
        {
            final StringBuilder out = new StringBuilder("d");
            for (final String text : keysAndValues)
            {
                out.append(text.getBytes(StandardCharsets.ISO_8859_1).length).append(':').append(text);
            }
            return out.append('e').toString();
        }
    }
}
