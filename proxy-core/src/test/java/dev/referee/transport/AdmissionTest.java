package dev.referee.transport;

import dev.referee.pipeline.InboundHandler;
import dev.referee.pipeline.SipPipeline;
import dev.referee.ring.InboundEvent;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.HighResolutionClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.referee.pipeline.PipelineTestSupport.TIMEOUT_MS;
import static dev.referee.pipeline.PipelineTestSupport.address;
import static dev.referee.pipeline.PipelineTestSupport.await;
import static dev.referee.pipeline.PipelineTestSupport.bytes;
import static dev.referee.pipeline.PipelineTestSupport.config;
import static dev.referee.pipeline.PipelineTestSupport.header;
import static dev.referee.pipeline.PipelineTestSupport.listen;
import static dev.referee.pipeline.PipelineTestSupport.request;
import static dev.referee.pipeline.PipelineTestSupport.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Admission control on the receive thread (issue 8, RFC 6357): new calls are shed with 503 + Retry-After when the
 * engine lags or its ring fills, retransmissions of queued requests are absorbed, and requests of established
 * dialogs, ACK and CANCEL are never answered 503. The engine is held on its first input, so the backlog is known.
 */
class AdmissionTest
{
    private static final String AGENT = "Referee-test";

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger handled = new AtomicInteger();
    private SipPipeline pipeline;

    /** Holds the engine on its first SIP message until {@link #release}; counts every SIP message it gets. */
    private final InboundHandler heldEngine = (event, endOfBatch) ->
    {
        if (event.type != InboundEvent.SIP)
        {
            return;
        }
        handled.incrementAndGet();
        awaitQuietly(release);
    };

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void after()
    {
        release.countDown();
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    /**
     * A pipeline judging by {@code overload}. The tests of the engine's lag leave the socket's wait out
     * (overload.socket-wait false): on a busy machine a receive thread off the CPU for their 50 ms max-lag would shed
     * a call they expect admitted; the socket's wait has tests of its own.
     */
    private InetSocketAddress start(final int ringSize, final OverloadConfig overload) throws Exception
    {
        return start(ringSize, overload, null);
    }

    /** As {@link #start(int, OverloadConfig)}, arrival stamps read against {@code arrivalClock} (null: the system's). */
    private InetSocketAddress start(final int ringSize, final OverloadConfig overload,
        final EpochNanoClock arrivalClock) throws Exception
    {
        // A tick period longer than any test: no tick takes a slot.
        pipeline = new SipPipeline(config(ringSize, 1_000), List.of(listen(Transport.UDP, "127.0.0.1")), AGENT,
            overload);
        if (arrivalClock != null)
        {
            pipeline.udpArrivalClock(arrivalClock);
        }
        pipeline.start(heldEngine);
        return pipeline.localAddress(Transport.UDP);
    }

    private static DatagramSocket client() throws Exception
    {
        final DatagramSocket client = new DatagramSocket(new InetSocketAddress(address("127.0.0.1"), 0));
        client.setSoTimeout((int)TIMEOUT_MS);
        return client;
    }

    private static void send(final DatagramSocket client, final InetSocketAddress to, final String message)
        throws Exception
    {
        final byte[] bytes = bytes(message);
        client.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static String receive(final DatagramSocket client) throws Exception
    {
        final byte[] buffer = new byte[65_535];
        final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private static String invite(final int n)
    {
        return request("INVITE", "new-" + n + "@test", "z9hG4bK-new-" + n, 1, "UDP", "");
    }

    /** A request inside an established dialog: its To has a tag. */
    private static String inDialog(final String method, final int n)
    {
        return request(method, "dialog-" + n + "@test", "z9hG4bK-dlg-" + n, 2, "UDP", "")
            .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=b" + n);
    }

    @Test
    void shouldShedNewCallsWith503AndRetryAfterOnceTheEngineLagsButQueueEveryRequestOfADialog() throws Exception
    {
        final InetSocketAddress referee = start(1024, new OverloadConfig(50, 100, 3, 0, 1_000, false));
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            await("the engine holds the first call", () -> handled.get() == 1);
            send(client, referee, invite(2)); // waits behind the first: admitted while it is young
            await("second call queued", () -> pipeline.counters().admitted() == 2);
            await("the engine lags by more than 50 ms",
                () -> pipeline.progress().lagNs(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(60));

            send(client, referee, invite(3));
            final String answer = receive(client);
            assertTrue(answer.startsWith("SIP/2.0 503 Service Unavailable\r\n"), answer);
            assertEquals("3", header(answer, "Retry-After"));
            assertTrue(header(answer, "Warning").contains("overloaded"), answer);
            assertEquals("new-3@test", header(answer, "Call-ID"));
            assertEquals(1, pipeline.counters().shed());
            // Its ACK (RFC 3261 17.1.1.3: the INVITE's branch and CSeq number) stops here: no engine transaction has it.
            final long absorbedBefore = pipeline.counters().absorbed();
            send(client, referee, request("ACK", "new-3@test", "z9hG4bK-new-3", 1, "UDP", "")
                .replace("To: <sip:bob@example.com>", "To: <sip:bob@example.com>;tag=shed"));
            await("the 503's ACK absorbed", () -> pipeline.counters().absorbed() == absorbedBefore + 1);

            // Established dialogs finish their work: no 503 for BYE, re-INVITE, CANCEL, ACK or responses.
            final long queuedBefore = pipeline.progress().backlog();
            send(client, referee, inDialog("BYE", 4));
            send(client, referee, inDialog("INVITE", 5));
            send(client, referee, request("CANCEL", "new-2@test", "z9hG4bK-new-2", 1, "UDP", ""));
            send(client, referee, inDialog("ACK", 6));
            send(client, referee, response(200, "dialog-7@test", "z9hG4bK-x", 3, "BYE"));
            await("all five queued for the engine", () -> pipeline.progress().backlog() == queuedBefore + 5);
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> receive(client), "nothing but the one 503");
            assertEquals(1, pipeline.counters().shed());
            assertEquals(2, pipeline.counters().admitted());

            release.countDown();
            await("the engine gets every admitted message", () -> handled.get() == 7);
            await("no lag once it caught up", () -> pipeline.progress().lagNs(System.nanoTime()) == 0);
            send(client, referee, invite(8));
            await("a new call is admitted again", () -> pipeline.counters().admitted() == 3);
        }
    }

    /**
     * A journal snapshot holds the engine thread for up to a second under load (docs/journal-format.md): the lag it
     * makes is the engine's own planned pause, not offered work beyond its capacity, so it sheds nothing while it
     * lasts and while the engine catches up with the inputs that waited; the ring's fill still bounds what waits. Once
     * caught up, a lag sheds again. (At 3,000 calls/s each snapshot shed some 300 calls before.)
     */
    @Test
    void shouldShedNoNewCallForTheLagOfAPlannedPauseButStillPastTheRingFillLimit() throws Exception
    {
        final CountDownLatch holdAgain = new CountDownLatch(1);
        final InboundHandler pausingEngine = (event, endOfBatch) ->
        {
            if (event.type != InboundEvent.SIP)
            {
                return;
            }
            final int n = handled.incrementAndGet();
            if (n == 1)
            {
                pipeline.progress().pauseBegins(); // as the journal's snapshotter does before its input
                awaitQuietly(release);
                pipeline.progress().pauseEnds();
            }
            else if (n == 10)
            {
                awaitQuietly(holdAgain); // no pause: an engine that is just slow
            }
        };
        final int ringSize = 16; // max-ring-fill 50 %: more than 8 inputs waiting sheds
        pipeline = new SipPipeline(config(ringSize, 1_000), List.of(listen(Transport.UDP, "127.0.0.1")), AGENT,
            new OverloadConfig(50, 50, 3, 20, 100, false));
        pipeline.start(pausingEngine);
        final InetSocketAddress referee = pipeline.localAddress(Transport.UDP);
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            await("the engine paused on the first call", () -> handled.get() == 1);
            await("its lag past max-lag and the standing interval",
                () -> pipeline.progress().lagNs(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(150));
            for (int i = 2; i <= 9; i++)
            {
                send(client, referee, invite(i));
                final int expected = i;
                await("call " + i + " admitted during the pause", () -> pipeline.counters().admitted() == expected);
            }
            assertEquals(0, pipeline.counters().shed());
            send(client, referee, invite(10));
            final String full = receive(client);
            assertTrue(full.startsWith("SIP/2.0 503 Service Unavailable\r\n"), full);
            assertEquals("new-10@test", header(full, "Call-ID"), "past half the ring: shed, pause or not");

            release.countDown();
            await("the engine caught up", () -> handled.get() == 9 && pipeline.progress().backlog() == 0);
            send(client, referee, invite(11));
            await("a slow engine, no pause", () -> handled.get() == 10);
            await("lags past max-lag",
                () -> pipeline.progress().lagNs(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(60));
            send(client, referee, invite(12));
            final String slow = receive(client);
            assertTrue(slow.startsWith("SIP/2.0 503 Service Unavailable\r\n"), slow);
            assertEquals("new-12@test", header(slow, "Call-ID"));
            assertEquals(2, pipeline.counters().shed());
            assertEquals(10, pipeline.counters().admitted());
            holdAgain.countDown();
        }
    }

    @Test
    void shouldShedNewCallsWhileAnEngineBehindTheRingLagsThoughTheRingItselfIsEmpty() throws Exception
    {
        release.countDown(); // the ring's handler keeps up: only the engine past it (a cluster's log) lags
        final InetSocketAddress referee = start(1024, new OverloadConfig(50, 100, 3, 0, 1_000, false));
        final AtomicLong downstreamLagNs = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(500));
        pipeline.progress().downstream(nowNs -> downstreamLagNs.get());
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            final String answer = receive(client);
            assertTrue(answer.startsWith("SIP/2.0 503 Service Unavailable\r\n"), answer);
            assertEquals("3", header(answer, "Retry-After"));
            assertEquals(1, pipeline.counters().shed());

            send(client, referee, inDialog("BYE", 2));
            await("the BYE goes on to the engine", () -> handled.get() == 1);
            assertEquals(1, pipeline.counters().shed(), "a dialog's request is never shed");

            downstreamLagNs.set(0);
            send(client, referee, invite(3));
            await("a new call is admitted once the engine caught up", () -> handled.get() == 2);
            assertEquals(1, pipeline.counters().admitted());
            assertEquals(1, pipeline.counters().shed());
        }
    }

    /**
     * A lag that stands above overload.standing-lag (20 ms here) for overload.standing-interval (300 ms) sheds, far
     * below overload.max-lag (1 minute here): the first new call that sees the lag above the target is still
     * admitted (a stall may be passing), one seen a whole interval later is not.
     */
    @Test
    void shouldShedNewCallsOnceTheLagStoodAboveTheStandingTargetForAnInterval() throws Exception
    {
        final InetSocketAddress referee = start(1024, new OverloadConfig(60_000, 100, 2, 20, 300, false));
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            await("the engine holds the first call", () -> handled.get() == 1);
            send(client, referee, invite(2));
            await("second call queued", () -> pipeline.counters().admitted() == 2);
            await("the engine lags by more than the target",
                () -> pipeline.progress().lagNs(System.nanoTime()) > TimeUnit.MILLISECONDS.toNanos(30));
            send(client, referee, invite(3));
            await("a call seeing the lag above the target for the first time is admitted",
                () -> pipeline.counters().admitted() == 3);
            final long firstAboveLagNs = pipeline.progress().lagNs(System.nanoTime());
            await("an interval later", () ->
                pipeline.progress().lagNs(System.nanoTime()) > firstAboveLagNs + TimeUnit.MILLISECONDS.toNanos(320));

            send(client, referee, invite(4));
            final String answer = receive(client);
            assertTrue(answer.startsWith("SIP/2.0 503 Service Unavailable\r\n"), answer);
            assertEquals("new-4@test", header(answer, "Call-ID"));
            assertEquals(1, pipeline.counters().shed());
            assertEquals(3, pipeline.counters().admitted());
        }
    }

    /**
     * A receive thread short of CPU leaves datagrams waiting in the kernel's socket buffer, where the engine's lag
     * cannot see them: each datagram's arrival stamp (SO_TIMESTAMPNS) says how long it waited, and a new call that
     * waited past overload.max-lag is shed though the engine keeps up; a dialog's request that waited as long is not.
     * The real-time clock the stamps are read against is stepped by the test: 2 s ahead, every datagram looks 2 s old.
     */
    @Test
    void shouldShedNewCallsThatWaitedInTheSocketThoughTheEngineKeepsUp() throws Exception
    {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "arrival stamps come with recvmmsg");
        release.countDown();
        final AtomicLong aheadNs = new AtomicLong();
        final InetSocketAddress referee = start(1024, new OverloadConfig(1_000, 100, 3, 0, 1_000, true),
            () -> HighResolutionClock.epochNanos() + aheadNs.get());
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            await("a call that did not wait is admitted", () -> handled.get() == 1);

            aheadNs.set(TimeUnit.SECONDS.toNanos(2));
            send(client, referee, invite(2));
            final String answer = receive(client);
            assertTrue(answer.startsWith("SIP/2.0 503 Service Unavailable\r\n"), answer);
            assertEquals("new-2@test", header(answer, "Call-ID"));
            send(client, referee, inDialog("BYE", 3));
            await("the dialog's BYE goes on to the engine", () -> handled.get() == 2);
            assertEquals(1, pipeline.counters().shed());
            assertEquals(0, pipeline.progress().lagNs(System.nanoTime()), "the engine itself kept up");

            aheadNs.set(TimeUnit.SECONDS.toNanos(3_600));
            send(client, referee, invite(4));
            await("a wait only a clock step can make is not believed", () -> handled.get() == 3);

            aheadNs.set(-TimeUnit.SECONDS.toNanos(2));
            send(client, referee, invite(5));
            await("nor one before its arrival (the clock stepped back)", () -> handled.get() == 4);

            aheadNs.set(0);
            send(client, referee, invite(6));
            await("admitted again", () -> handled.get() == 5);
            assertEquals(4, pipeline.counters().admitted());
            assertEquals(1, pipeline.counters().shed());
        }
    }

    /**
     * overload.socket-wait: false turns the socket's wait off: datagrams are not stamped, so a wait that would
     * shed at once (2 s against a max-lag of 1 s) is not seen, and none is recorded for /metrics.
     */
    @Test
    void shouldNotStampDatagramsWhenTheSocketWaitIsTurnedOff() throws Exception
    {
        release.countDown();
        final InetSocketAddress referee = start(1024, new OverloadConfig(1_000, 100, 3, 0, 1_000, false),
            () -> HighResolutionClock.epochNanos() + TimeUnit.SECONDS.toNanos(2));
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            send(client, referee, invite(2));
            await("both calls admitted", () -> handled.get() == 2);
            assertEquals(0, pipeline.counters().shed());
            assertEquals(0, pipeline.counters().udpSocketWaitNs.count());
        }
    }

    @Test
    void shouldShedNewCallsPastTheRingFillLimitWithoutTakingRoomFromDialogs() throws Exception
    {
        final int ringSize = 16;
        final InetSocketAddress referee = start(ringSize, new OverloadConfig(60_000, 50, 1, 0, 1_000, false));
        final int calls = 40;
        try (DatagramSocket client = client())
        {
            for (int i = 0; i < calls; i++)
            {
                send(client, referee, invite(i));
                final int expected = i + 1;
                await("call " + i + " read", () -> pipeline.counters().udpReceived.get() == expected);
            }
            final long admitted = pipeline.counters().admitted();
            final long shed = pipeline.counters().shed();
            assertEquals(calls, admitted + shed, "every call admitted or shed");
            assertTrue(admitted <= ringSize / 2 + 1, "admitted while the ring was at most half full: " + admitted);
            assertEquals(0, pipeline.counters().overloadResponses(), "shed calls took no slot: the ring never filled");
            for (int i = 0; i < shed; i++)
            {
                final String answer = receive(client);
                assertTrue(answer.startsWith("SIP/2.0 503 "), answer);
                assertEquals("1", header(answer, "Retry-After"), answer);
            }

            // The room the shed calls did not take is there for the dialogs: their requests are all queued.
            final long queuedBefore = pipeline.progress().backlog();
            for (int i = 0; i < 4; i++)
            {
                send(client, referee, inDialog("BYE", i));
            }
            await("every BYE queued", () -> pipeline.progress().backlog() == queuedBefore + 4);
            assertEquals(0, pipeline.counters().inboundDropped());
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> receive(client), "no 503 for a BYE");
        }
    }

    @Test
    void shouldAbsorbRetransmissionsOfARequestStillQueuedAndPassThemOnOnceItWasHandled() throws Exception
    {
        final InetSocketAddress referee = start(1024, OverloadConfig.defaults());
        try (DatagramSocket client = client())
        {
            send(client, referee, invite(1));
            await("the engine holds the first call", () -> handled.get() == 1);
            final String bye = inDialog("BYE", 2);
            send(client, referee, bye);
            send(client, referee, bye);
            send(client, referee, bye);
            await("two copies absorbed", () -> pipeline.counters().absorbed() == 2);

            release.countDown();
            await("the engine passed every slot (the held call, the BYE, two empty ones)",
                () -> pipeline.progress().handled() == 3);
            assertEquals(2, handled.get(), "the engine got the call and one BYE");
            send(client, referee, bye); // handled already: the engine answers it from its transaction
            await("the late retransmission reaches the engine", () -> handled.get() == 3);
            assertEquals(2, pipeline.counters().absorbed());

            send(client, referee, invite(1)); // the call's INVITE again, handled already
            await("its late copy reaches the engine", () -> handled.get() == 4);
            assertEquals(1, pipeline.counters().admitted(), "one new call: a copy of a call handled is none");
            send(client, referee, invite(9));
            await("a new call", () -> handled.get() == 5);
            assertEquals(2, pipeline.counters().admitted());
        }
    }
}
