package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;

import dev.referee.config.ListenAddress;
import dev.referee.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipPipelineTest
{
    private final List<SipPipeline> pipelines = new ArrayList<>();

    @AfterEach
    void after()
    {
        pipelines.forEach(SipPipeline::close);
    }

    @Test
    void shouldDeliverTicksWithIncreasingTimesWhenThereIsNoTraffic() throws Exception
    {
        final Queue<Long> tickTimes = new ConcurrentLinkedQueue<>();
        final SipPipeline pipeline = track(pipeline(64, 2));
        final long beforeNs = System.nanoTime();
        pipeline.start((event, endOfBatch) ->
        {
            if (event.type == InboundEvent.TICK)
            {
                tickTimes.add(event.timeNs);
            }
        });

        await("five ticks", () -> tickTimes.size() >= 5);
        long previousNs = beforeNs;
        for (final long timeNs : tickTimes)
        {
            assertTrue(timeNs >= previousNs, "tick times go forward");
            previousNs = timeNs;
        }
        // The ticker counts a tick just after publishing it: the engine may see it first.
        await("five ticks counted", () -> pipeline.counters().ticksPublished.get() >= 5);
    }

    @Test
    void shouldNameAThreadThatEndedWhileOpenUntilItIsClosed() throws Exception
    {
        final SipPipeline pipeline = track(pipeline(64, 2));
        pipeline.start((event, endOfBatch) -> {});
        assertEquals(List.of(), pipeline.stoppedThreads());
        final String ticker = pipeline.liveThreads().stream().map(Thread::getName)
            .filter(name -> name.startsWith("referee-ticker")).findFirst().orElseThrow();

        pipeline.ticker().stop(); // its thread ends while the pipeline is open, as a fault it did not survive would
        await("the ticker's thread named", () -> pipeline.stoppedThreads().equals(List.of(ticker)));

        pipeline.close();
        assertEquals(List.of(), pipeline.stoppedThreads(), "closing stops every thread: none is a fault then");
    }

    @Test
    void shouldStopEveryThreadAndReleaseEveryPortOnClose() throws Exception
    {
        final List<ListenAddress> listen = new ArrayList<>();
        listen.add(listen(Transport.UDP, "127.0.0.1"));
        listen.add(listen(Transport.TCP, "127.0.0.1"));
        if (hasIpv6Loopback())
        {
            listen.add(listen(Transport.UDP, "::1"));
            listen.add(listen(Transport.TCP, "::1"));
        }

        final SipPipeline first = new SipPipeline(config(64, 1), listen, AGENT);
        first.start((event, endOfBatch) -> {});
        final List<ListenAddress> bound = first.boundAddresses();
        final List<Thread> threads = first.liveThreads();
        assertEquals(5, threads.size(), threads.toString());
        first.close();

        for (final Thread thread : threads)
        {
            assertFalse(thread.isAlive(), thread.getName());
        }
        assertTrue(first.liveThreads().isEmpty());

        // The very same ports bind again.
        final SipPipeline second = track(new SipPipeline(config(64, 1), bound, AGENT));
        second.start((event, endOfBatch) -> {});
        assertEquals(bound, second.boundAddresses());
        second.close();
        first.close();
    }

    @Test
    void shouldFailToStartNamingTheAddressInUseAndLeaveNothingRunning() throws Exception
    {
        final SipPipeline holder = track(pipeline(64, 1_000, listen(Transport.TCP, "127.0.0.1")));
        holder.start((event, endOfBatch) -> {});
        final InetSocketAddress taken = holder.localAddress(Transport.TCP);

        final SipPipeline clash = track(new SipPipeline(config(64, 1_000), List.of(
            listen(Transport.UDP, "127.0.0.1"), new ListenAddress(Transport.TCP, taken)), AGENT));
        final IOException ex = assertThrows(IOException.class, () -> clash.start((event, endOfBatch) -> {}));
        assertTrue(ex.getMessage().contains("tcp:127.0.0.1:" + taken.getPort()), ex.getMessage());
        assertTrue(clash.liveThreads().isEmpty());
    }

    @Test
    void shouldDropAndCountWhenOutboundRingIsFull()
    {
        final SipPipeline pipeline = track(pipeline(4, 1_000));
        final SipSender sender = pipeline.sender();
        final UnsafeBuffer message = new UnsafeBuffer(bytes("x"));
        final InetSocketAddress nowhere = new InetSocketAddress(address("127.0.0.1"), 9);

        // Not started: nothing consumes, so the ring holds exactly its size.
        for (int i = 0; i < 4; i++)
        {
            assertTrue(sender.send(Transport.UDP, nowhere, 0, message, 0, 1));
        }
        assertFalse(sender.send(Transport.UDP, nowhere, 0, message, 0, 1));
        assertEquals(1, pipeline.counters().outboundDropped.get());
        assertEquals(0, pipeline.outboundRemainingCapacity());
        assertEquals(4, pipeline.inboundRemainingCapacity());
    }

    @Test
    void shouldKeepRunningWhenEngineThrows() throws Exception
    {
        final SipPipeline pipeline = track(pipeline(64, 1));
        pipeline.start((event, endOfBatch) ->
        {
            throw new IllegalStateException("engine bug (expected by the test)");
        });
        await("errors counted and pipeline alive", () -> pipeline.counters().engineErrors.get() >= 3);
        assertEquals(5 - 1, pipeline.liveThreads().size(), "no UDP socket means no UDP thread");
    }

    @Test
    void shouldKeepSendingUdpWhenNoTcpTrafficMovesTheTcpPoller() throws Exception
    {
        // 64 outbound slots, TCP and UDP listeners, only UDP sends: far more sends than slots must all go out.
        final SipPipeline pipeline = track(pipeline(64, 1,
            listen(Transport.UDP, "127.0.0.1"), listen(Transport.TCP, "127.0.0.1")));
        try (java.nio.channels.DatagramChannel receiver = java.nio.channels.DatagramChannel.open())
        {
            receiver.bind(new InetSocketAddress(address("127.0.0.1"), 0));
            final InetSocketAddress target = (InetSocketAddress)receiver.getLocalAddress();
            final UnsafeBuffer message = new UnsafeBuffer(bytes("OPTIONS sip:x SIP/2.0\r\n\r\n"));
            final int total = 640;
            final int[] sent = {0};
            pipeline.start((event, endOfBatch) ->
            {
                // Each tick sends two datagrams until the total is reached.
                for (int i = 0; i < 2 && sent[0] < total; i++)
                {
                    if (pipeline.sender().send(Transport.UDP, target, 0, message, 0, message.capacity()))
                    {
                        sent[0]++;
                    }
                }
            });
            receiver.configureBlocking(false);
            final java.nio.ByteBuffer datagram = java.nio.ByteBuffer.allocate(256);
            final int[] received = {0};
            await("every datagram arrives", () ->
            {
                try
                {
                    while (receiver.receive(datagram.clear()) != null)
                    {
                        received[0]++;
                    }
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
                return received[0] >= total;
            });
            // Ten times the ring went out: had the idle TCP poller held the ring's gate, every send past the first 64
            // would be refused for good and the wait above would time out. A send refused now and then (a loaded
            // machine starving the UDP sender while the ticks go on) is retried by the handler and proves nothing.
            assertEquals(total, received[0]);
        }
    }

    private SipPipeline track(final SipPipeline pipeline)
    {
        pipelines.add(pipeline);
        return pipeline;
    }
}
