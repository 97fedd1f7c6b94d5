package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Symmetric RTP through the relay (issue 10) with a SIP call set up by SIPp parties and the media sent and checked by
 * this test: each party's SDP names a UDP socket of the test. The caller sits behind a NAT: its packets come from
 * another port than its SDP says. The relay latches that source and sends the callee's media there, never to the SDP's
 * port once latched; each side receives the other's stream complete and in sequence (RTP sequence numbers checked,
 * one 172-byte G.711 packet every 20 ms each way for two seconds).
 */
@Tag("interop")
class MediaLatchingInteropTest
{
    /** Referee's media ports here: the caller's leg gets the first pair, the callee's the second (a fresh node). */
    private static final int LOW_PORT = 24_300;
    private static final int HIGH_PORT = 24_309;
    private static final int PACKETS = 100;
    private static final long PTIME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration BOUND = Duration.ofSeconds(40);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private final InetAddress loopback = InetAddress.getLoopbackAddress();
    private final ByteBuffer packet = ByteBuffer.allocate(172);
    private final ByteBuffer in = ByteBuffer.allocate(2048);
    private RefereeProcess referee;

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldLatchTheNattedCallersSourceAndRelayBothStreamsCompleteAndInSequence() throws IOException
    {
        final Path dir = Files.createTempDirectory("referee-media-latching-");
        try (DatagramChannel callerSdp = socket(); DatagramChannel callerNat = socket(); DatagramChannel callee = socket();
            SippRun bob = DUMP.track(Sipp.uas("uas-answer-media-at-key-then-wait-bye.xml", dir.resolve("callee"))
                .transport(SippTransport.UDP).calls(1).key("mport", Integer.toString(port(callee)))
                .globalTimeout(BOUND).start()))
        {
            referee = RefereeProcess.start(Files.createDirectories(dir.resolve("referee")), bob.localPort(),
                List.of(), RefereeProcess.mediaYaml(LOW_PORT, HIGH_PORT, ""));
            DUMP.always(referee::describe);
            try (SippRun alice = DUMP.track(Sipp.uac("uac-call-media-at-key.xml", dir.resolve("caller"))
                .remote(referee.sipPort()).service("bob").transport(SippTransport.UDP).calls(1).rate(1).limit(1)
                .holdMs(10_000).key("mport", Integer.toString(port(callerSdp))).globalTimeout(BOUND).start()))
            {
                assertTrue(Ports.await(() -> referee.status().activeCalls() == 1 &&
                    referee.status().counter("pairsInUse") == 2, Duration.ofSeconds(10)), () -> referee.status().raw());
                final InetSocketAddress callerRelay = new InetSocketAddress(loopback, LOW_PORT);
                final InetSocketAddress calleeRelay = new InetSocketAddress(loopback, LOW_PORT + 2);

                // The caller's first packet, from behind its NAT, latches its real source.
                send(callerNat, callerRelay, 0);
                final List<Integer> atCallee = new ArrayList<>();
                final long latchDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (atCallee.isEmpty() && System.nanoTime() < latchDeadline)
                {
                    receive(callee, atCallee);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                assertEquals(List.of(0), atCallee, "the caller's first packet reaches the callee");

                final List<Integer> atCallerNat = new ArrayList<>();
                final List<Integer> atCallerSdp = new ArrayList<>();
                long deadline = System.nanoTime();
                for (int seq = 1; seq <= PACKETS; seq++)
                {
                    send(callerNat, callerRelay, seq);
                    send(callee, calleeRelay, seq);
                    deadline += PTIME_NS;
                    LockSupport.parkNanos(deadline - System.nanoTime());
                    receive(callee, atCallee);
                    receive(callerNat, atCallerNat);
                    receive(callerSdp, atCallerSdp);
                }
                final long drainEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (System.nanoTime() < drainEnd)
                {
                    receive(callee, atCallee);
                    receive(callerNat, atCallerNat);
                    receive(callerSdp, atCallerSdp);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                assertEquals(sequence(0, PACKETS), atCallee, "the caller's stream, complete and in order");
                assertEquals(sequence(1, PACKETS), atCallerNat,
                    "the callee's stream goes where the caller's packets come from, complete and in order");
                assertEquals(List.of(), atCallerSdp, "nothing to the port the caller's SDP named, once latched");

                alice.awaitResult(BOUND).assertAllSucceeded(1);
            }
            bob.awaitResult(Duration.ofSeconds(15)).assertAllSucceeded(1);
        }
        referee.awaitCallsEnded(Duration.ofSeconds(10));
        assertTrue(Ports.await(() -> referee.status().counter("pairsInUse") == 0, Duration.ofSeconds(10)),
            () -> referee.status().raw());
    }

    private DatagramChannel socket() throws IOException
    {
        final DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(loopback, 0));
        channel.configureBlocking(false);
        return channel;
    }

    private static int port(final DatagramChannel channel) throws IOException
    {
        return ((InetSocketAddress)channel.getLocalAddress()).getPort();
    }

    /** One G.711 RTP packet (payload type 0) with sequence number {@code seq}, 160 bytes of payload. */
    private void send(final DatagramChannel from, final InetSocketAddress to, final int seq) throws IOException
    {
        packet.clear();
        packet.put((byte)0x80).put((byte)0).putShort((short)seq).putInt(seq * 160).putInt(0x5eed);
        packet.position(packet.capacity()).flip();
        from.send(packet, to);
    }

    /** Every packet waiting on {@code channel}: its RTP sequence number, in arrival order. */
    private void receive(final DatagramChannel channel, final List<Integer> sequences) throws IOException
    {
        while (true)
        {
            in.clear();
            if (channel.receive(in) == null)
            {
                return;
            }
            sequences.add(in.getShort(2) & 0xFFFF);
        }
    }

    private static List<Integer> sequence(final int first, final int last)
    {
        final List<Integer> all = new ArrayList<>();
        for (int seq = first; seq <= last; seq++)
        {
            all.add(seq);
        }
        return all;
    }
}
