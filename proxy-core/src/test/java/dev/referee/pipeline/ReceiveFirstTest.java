package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pipeline.receive-priority: the UDP receive thread runs that many nice steps above the engine and send threads
 * (raised where the process may, else the others lowered), so that on a contended core the sockets are read first
 * (docs/overload.md). Each thread's nice value is read by the thread itself (/proc/thread-self/stat).
 */
class ReceiveFirstTest
{
    private SipPipeline pipeline;

    @AfterEach
    void after()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldReadTheNiceValueOfATaskFromItsStatLine()
    {
        assertEquals(5, ThreadNice.niceOf("42 (referee) x) R 1 42 42 0 -1 4194304 1 0 0 0 0 0 0 0 25 5 1 0 7"));
        assertEquals(-3, ThreadNice.niceOf("7 (a b) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 17 -3 1 0 7"));
    }

    @Test
    void shouldLowerTheThreadsBehindTheRingWhereReceiveThreadsMayNotBeRaised() throws Exception
    {
        assumeTrue(isLinux(), "nice values of threads are Linux's");
        final int base = ThreadNice.currentThreadNice();
        assumeTrue(base + 3 <= ThreadNice.MAX_NICE, "room below the process's priority");
        final ReceiveFirst lowering = new ReceiveFirst(3, false);
        assertEquals(base + 3, niceWhileRunning(lowering.behindTheRing(() -> { })));
        assertEquals(base, niceWhileRunning(lowering.receiving(() -> { })));
        assertEquals(base, ThreadNice.currentThreadNice(), "the caller's own priority is untouched");
    }

    @Test
    void shouldRunTheReceiveThreadAboveTheEngineAndSendThreads() throws Exception
    {
        assumeTrue(isLinux(), "nice values of threads are Linux's");
        final int base = ThreadNice.currentThreadNice();
        assumeTrue(base - 4 >= ThreadNice.MIN_NICE && base + 4 <= ThreadNice.MAX_NICE, "room either way");
        final Map<String, Integer> niceByStage = new ConcurrentHashMap<>();
        final PipelineConfig config = new PipelineConfig(64, 64, "blocking", 1_000,
            PipelineConfig.UdpSend.SEND_THREAD, PipelineConfig.UdpSyscalls.BATCHED, 4);
        pipeline = new SipPipeline(config, List.of(listen(Transport.UDP, "127.0.0.1")), AGENT);
        pipeline.capture(() -> (protocol, source, destination, buffer, offset, length, timeNs) ->
            niceByStage.put(stageOf(Thread.currentThread().getName()), ThreadNice.currentThreadNice()));
        final EchoEngine echo = new EchoEngine();
        echo.sender = pipeline.sender();
        pipeline.start((event, endOfBatch) ->
        {
            if (event.type != InboundEvent.TICK)
            {
                niceByStage.put(stageOf(Thread.currentThread().getName()), ThreadNice.currentThreadNice());
            }
            echo.onInbound(event, endOfBatch);
        });
        final InetSocketAddress server = pipeline.localAddress(Transport.UDP);
        final byte[] message = bytes(request("OPTIONS", "call-1@test", "z9hG4bK-1", 1, "UDP", ""));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0)))
        {
            client.setSoTimeout((int)TIMEOUT_MS);
            client.send(new DatagramPacket(message, message.length, server));
            client.receive(new DatagramPacket(new byte[65_535], 65_535));
        }
        await("the receive, engine and send threads seen", () -> niceByStage.size() == 3);
        final int receive = niceByStage.get("referee-udp");
        assertEquals(Map.of("referee-udp", receive, "referee-engine", receive + 4, "referee-send", receive + 4),
            niceByStage);
        assertTrue(receive == base - 4 || receive == base, "raised, or the others lowered: " + niceByStage);
        assertEquals(ThreadNice.canRaise(4), receive == base - 4, "raised exactly where the process may");
        assertEquals(PipelineConfig.DEFAULT_RECEIVE_PRIORITY, PipelineConfig.defaults().receivePriority());
    }

    private static int niceWhileRunning(final Runnable runnable) throws InterruptedException
    {
        final AtomicInteger nice = new AtomicInteger(ThreadNice.UNKNOWN);
        final Thread thread = new Thread(() ->
        {
            runnable.run();
            nice.set(ThreadNice.currentThreadNice());
        });
        thread.start();
        thread.join();
        return nice.get();
    }

    private static boolean isLinux()
    {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    private static String stageOf(final String threadName)
    {
        return threadName.substring(0, threadName.lastIndexOf('-'));
    }
}
