package dev.referee.ops.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One party's media in an interop test: a UDP socket on loopback whose port the party's SDP names (SIPp's
 * {@code -key mport}), sending G.711 RTP streams (one 172-byte packet every 20 ms per stream, each stream its own
 * SSRC and running sequence number) to relay ports, and recording every packet it hears: SSRC, sequence number and
 * arrival time. {@link #talk} paces any number of phones together on the test's thread.
 */
final class RtpPhone implements AutoCloseable
{
    static final long PTIME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int PACKET_BYTES = 172;

    /** A packet heard: its SSRC, its RTP sequence number, {@link System#nanoTime()} when it was read. */
    record Heard(int ssrc, int seq, int payloadType, long atNs)
    {
    }

    private record Stream(InetSocketAddress to, int ssrc, int[] nextSeq)
    {
    }

    private final DatagramChannel channel;
    private final List<Stream> streams = new ArrayList<>();
    private final List<Heard> heard = new ArrayList<>();
    private final ByteBuffer out = ByteBuffer.allocate(PACKET_BYTES);
    private final ByteBuffer in = ByteBuffer.allocate(2048);

    private RtpPhone(final DatagramChannel channel)
    {
        this.channel = channel;
    }

    /** A phone on a port of 127.0.0.1 the system chose. */
    static RtpPhone open() throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        return new RtpPhone(channel);
    }

    /** Where this phone receives: the port its SDP names. */
    int port() throws IOException
    {
        return ((InetSocketAddress)channel.getLocalAddress()).getPort();
    }

    /** From now on each {@link #sendNext()} also sends the next packet of stream {@code ssrc} to the relay's port. */
    RtpPhone streamTo(final int relayPort, final int ssrc)
    {
        streams.add(new Stream(new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort), ssrc, new int[1]));
        return this;
    }

    /** One packet of each stream (payload type 0, 160 bytes of payload); a port nobody binds yet just drops it. */
    void sendNext() throws IOException
    {
        for (final Stream stream : streams)
        {
            final int seq = stream.nextSeq[0]++;
            out.clear();
            out.put((byte)0x80).put((byte)0).putShort((short)seq).putInt(seq * 160).putInt(stream.ssrc);
            out.position(out.capacity()).flip();
            channel.send(out, stream.to);
        }
    }

    /** Reads every packet waiting. */
    void receive() throws IOException
    {
        while (true)
        {
            in.clear();
            if (channel.receive(in) == null)
            {
                return;
            }
            final long atNs = System.nanoTime();
            if (in.position() >= 12)
            {
                heard.add(new Heard(in.getInt(8), in.getShort(2) & 0xFFFF, in.get(1) & 0x7F, atNs));
            }
        }
    }

    /** Everything heard, in arrival order. */
    List<Heard> heard()
    {
        return heard;
    }

    /** What was heard of stream {@code ssrc}, in arrival order. */
    List<Heard> heard(final int ssrc)
    {
        return heard.stream().filter(h -> h.ssrc() == ssrc).toList();
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    /**
     * Sends from every phone every 20 ms and reads what each hears, until {@code done} holds (checked every 20 ms) or
     * {@code bound} has passed. Returns when each round of sends went out: the test's own lateness (a round late by
     * more than a packet time stretches any gap measured at the far end by as much).
     */
    static long[] talk(final Duration bound, final BooleanSupplier done, final RtpPhone... phones) throws IOException
    {
        final long end = System.nanoTime() + bound.toNanos();
        final List<Long> rounds = new ArrayList<>();
        long next = System.nanoTime();
        while (!done.getAsBoolean() && System.nanoTime() < end)
        {
            rounds.add(System.nanoTime());
            for (final RtpPhone phone : phones)
            {
                phone.sendNext();
            }
            next += PTIME_NS;
            LockSupport.parkNanos(next - System.nanoTime());
            for (final RtpPhone phone : phones)
            {
                phone.receive();
            }
        }
        return rounds.stream().mapToLong(Long::longValue).toArray();
    }

    /** Reads what the phones hear, not sending, until {@code done} holds (checked every millisecond) or {@code bound}. */
    static void listen(final Duration bound, final BooleanSupplier done, final RtpPhone... phones) throws IOException
    {
        final long end = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < end)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            for (final RtpPhone phone : phones)
            {
                phone.receive();
            }
        }
    }

    /** The longest time between two consecutive rounds of {@link #talk} overlapping [fromNs, toNs], at least 0. */
    static long longestRoundIntervalNs(final long[] rounds, final long fromNs, final long toNs)
    {
        long longest = 0;
        for (int i = 1; i < rounds.length; i++)
        {
            if (rounds[i] > fromNs && rounds[i - 1] < toNs)
            {
                longest = Math.max(longest, rounds[i] - rounds[i - 1]);
            }
        }
        return longest;
    }
}
