package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The receive-side border against real peers on other loopback addresses (issue 7): 127.0.0.2 is the trunk "pbx"
 * (flood-limited, as every trunk is by default), the SIPp callee on 127.0.0.1 is the trunk "callee", and 127.0.0.3
 * is in no trunk. One Referee for the class with {@code security.unknown-sources: reject}, flood control at its
 * defaults, {@code tcp.read-timeout: 2s} so that a slow sender is cut off within the test; one more for drop mode.
 * Every test checks what a peer would see, and /status for what Referee did about it.
 */
@Tag("interop")
class BorderInteropTest
{
    static final String PBX = "127.0.0.2";
    static final String STRANGER = "127.0.0.3";
    private static final Duration BOUND = Duration.ofSeconds(40);

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private Path workDir;
    private RefereeProcess referee;

    static String trunksYaml(final String unknownSources)
    {
        return "trunks:\n" +
            "  - name: \"pbx\"\n" +
            "    sources: [\"" + PBX + "\"]\n" +
            "  - name: \"callee\"\n" +
            "    sources: [\"" + Ports.LOOPBACK + "\"]\n" +
            "    flood: false\n" +
            "security:\n" +
            "  unknown-sources: " + unknownSources + "\n" +
            "tcp:\n" +
            "  read-timeout: 2s\n" +
            "warm-up:\n" +
            "  calls: 0\n";
    }

    @BeforeEach
    void makeWorkDir() throws IOException
    {
        Sipp.binary();
        workDir = DUMP.workDir("referee-border-interop-");
    }

    @AfterEach
    void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    /** Each test has its Referee, started once its callee has bound a port of its own choosing. */
    private RefereeProcess startReferee(final SippRun callee, final String unknownSources)
    {
        referee = RefereeProcess.start(workDir, callee.localPort(), List.of(), trunksYaml(unknownSources));
        DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
            referee.logTail(40) + "\n--- /status: " + referee.status().raw());
        return referee;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerAnUnknownSourceWith403AndAReasonWhileTheTrunkCalls() throws IOException
    {
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(5).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP))
        {
            startReferee(callee, "reject");
            callers.start(Sipp.uac("uac-expect-403-with-reason.xml", workDir).localIp(STRANGER)
                .remote(referee.sipPort()).service("bob").calls(5).rate(10).globalTimeout(BOUND), 5);
            callers.start(Sipp.uac("uac-basic-call.xml", workDir).localIp(PBX)
                .remote(referee.sipPort()).service("bob").calls(5).rate(10).globalTimeout(BOUND), 5);
            callers.assertAllSucceeded(BOUND);
            callee.awaitResult(BOUND).assertAllSucceeded(5); // only the trunk's calls reached the callee
        }
        final RefereeStatus status = referee.status();
        // One 403 per INVITE (a retransmission, should SIPp's timer fire first, would get one more: still stateless).
        assertTrue(status.counter("unknownRejected") >= 5, status.raw());
        assertEquals(0, status.counter("floodDropped"), status.raw());
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteEveryTrunkCallWhileAnUnknownSourceFloods() throws Exception
    {
        final int calls = 50;
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(calls).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP);
            Flood flood = new Flood(startReferee(callee, "reject").sipPort()))
        {
            flood.start();
            callers.start(Sipp.uac("uac-basic-call.xml", workDir).localIp(PBX)
                .remote(referee.sipPort()).service("bob").calls(calls).rate(10).globalTimeout(BOUND), calls);
            callers.assertAllSucceeded(BOUND);
            callee.awaitResult(BOUND).assertAllSucceeded(calls);
            flood.join();

            final RefereeStatus status = referee.status();
            final long rejected = status.counter("unknownRejected");
            System.out.println("flood: " + flood.sent + " INVITEs in " + flood.elapsedMs + " ms from " + STRANGER +
                ": " + rejected + " answered 403, " + status.counter("floodDropped") + " dropped; " + calls +
                " calls from " + PBX + " completed");
            assertTrue(flood.sent >= 10_000, "the flood ran: " + flood.sent);
            assertEquals(1, status.counter("blockedSources"), status.raw());
            // The default burst (400) and what 200/s refills while it drains: no 403 per flood message.
            assertTrue(rejected >= 400 && rejected < 600, "403s sent to the flooder: " + rejected);
            // The rest dropped unanswered (a few may have been lost in the kernel's socket buffer before Referee read).
            final long dropped = status.counter("floodDropped");
            assertTrue(dropped <= flood.sent - rejected && dropped >= (flood.sent - rejected) * 99 / 100,
                "flood messages dropped: " + dropped + " of " + (flood.sent - rejected) + " not answered");
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldCompleteTcpCallsBeside2000IdleConnectionsAndCutOffASlowSender() throws Exception
    {
        final int idleConnections = 2_000;
        final int calls = 20;
        final List<SocketChannel> idle = new ArrayList<>(idleConnections);
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .transport(SippTransport.TCP).calls(calls).globalTimeout(BOUND).start());
            SippParties callers = new SippParties(DUMP);
            Socket slow = new Socket())
        {
            // Port 0 gives UDP and TCP ports of their own: the TCP one is what a TCP peer connects to.
            final InetSocketAddress server =
                new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), startReferee(callee, "reject").tcpPort());
            for (int i = 0; i < idleConnections; i++)
            {
                final SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(InetAddress.getByName(STRANGER), 0));
                channel.connect(server);
                idle.add(channel);
            }
            slow.bind(new InetSocketAddress(InetAddress.getByName(STRANGER), 0));
            slow.connect(server, 5_000);
            final OutputStream out = slow.getOutputStream();
            out.write("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            callers.start(Sipp.uac("uac-basic-call.xml", workDir).localIp(PBX).transport(SippTransport.TCP)
                .remote(referee.tcpPort()).service("bobtcp").calls(calls).rate(10).globalTimeout(BOUND), calls);

            // One header byte every 200 ms: each arrives well inside any per-read timeout; the message never ends.
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean cutOff = false;
            while (!cutOff && System.nanoTime() < deadlineNs)
            {
                try
                {
                    out.write('X');
                    out.flush();
                }
                catch (final IOException ex)
                {
                    cutOff = true; // reset by Referee
                }
                cutOff = cutOff || referee.status().counter("readTimeouts") > 0;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            assertTrue(cutOff, "the slow sender was cut off: " + referee.status().raw());

            callers.assertAllSucceeded(BOUND);
            callee.awaitResult(BOUND).assertAllSucceeded(calls);
            final RefereeStatus status = referee.status();
            assertEquals(1, status.counter("readTimeouts"), status.raw());
            assertEquals(0, status.counter("connectionsRefused"), status.raw());
            assertTrue(status.counter("connectionsOpen") >= idleConnections, "the idle ones are still open: " +
                status.raw());
            System.out.println("tcp: " + calls + " calls completed beside " + idleConnections +
                " idle connections; the slow sender was closed after tcp.read-timeout");
        }
        finally
        {
            for (final SocketChannel channel : idle)
            {
                channel.close();
            }
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerNothingToAnUnknownSourceInDropMode() throws Exception
    {
        try (SippRun callee = DUMP.track(Sipp.uas("uas-answer-then-wait-bye.xml", workDir)
                .calls(1).globalTimeout(BOUND).start());
            DatagramChannel stranger = DatagramChannel.open())
        {
            final RefereeProcess dropping = startReferee(callee, "drop");
            stranger.bind(new InetSocketAddress(InetAddress.getByName(STRANGER), 0));
            stranger.configureBlocking(false);
            final ByteBuffer invite = ByteBuffer.wrap(Flood.invite(stranger.getLocalAddress(), 1));
            stranger.send(invite, new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), dropping.sipPort()));

            Ports.await(() -> dropping.status().counter("unknownDropped") >= 1, Duration.ofSeconds(10));
            final RefereeStatus status = dropping.status();
            assertEquals(1, status.counter("unknownDropped"), status.raw());
            assertEquals(0, status.counter("unknownRejected"), status.raw());
            // Judged and dropped: anything Referee would have sent would have gone before the count.
            assertNull(stranger.receive(ByteBuffer.allocate(2048)), "no answer to an unknown source");
        }
    }

    /**
     * 5,000 INVITEs a second for 3 seconds from {@link #STRANGER}, on a thread of its own: a load generator, so it
     * paces itself by the clock and never reads what comes back.
     */
    static final class Flood extends Thread implements AutoCloseable
    {
        static final int PER_SECOND = 5_000;
        static final long DURATION_MS = 3_000;

        private final int port;
        volatile long sent;
        volatile long elapsedMs;
        private volatile boolean stop;

        Flood(final int port)
        {
            super("flood-" + STRANGER);
            this.port = port;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            try (DatagramChannel channel = DatagramChannel.open())
            {
                channel.bind(new InetSocketAddress(InetAddress.getByName(STRANGER), 0));
                final InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(Ports.LOOPBACK), port);
                final long startNs = System.nanoTime();
                long count = 0;
                while (!stop)
                {
                    final long elapsedNs = System.nanoTime() - startNs;
                    if (elapsedNs >= TimeUnit.MILLISECONDS.toNanos(DURATION_MS))
                    {
                        break;
                    }
                    final long due = elapsedNs * PER_SECOND / 1_000_000_000L;
                    while (count < due)
                    {
                        channel.send(ByteBuffer.wrap(invite(channel.getLocalAddress(), count)), target);
                        count++;
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                sent = count;
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        static byte[] invite(final java.net.SocketAddress from, final long n)
        {
            final String local = from.toString().replaceFirst("^.*/", "");
            return ("INVITE sip:bob@127.0.0.1 SIP/2.0\r\n" +
                "Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-flood-" + n + "\r\n" +
                "Max-Forwards: 70\r\n" +
                "From: <sip:mallory@" + STRANGER + ">;tag=f" + n + "\r\n" +
                "To: <sip:bob@127.0.0.1>\r\n" +
                "Call-ID: flood-" + n + "@" + STRANGER + "\r\n" +
                "CSeq: 1 INVITE\r\n" +
                "Contact: <sip:mallory@" + local + ">\r\n" +
                "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws InterruptedException
        {
            stop = true;
            join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
