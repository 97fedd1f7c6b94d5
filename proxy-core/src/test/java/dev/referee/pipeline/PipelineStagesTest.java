package dev.referee.pipeline;

import dev.referee.ring.InboundEvent;

import dev.referee.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Added inbound stages (the journal's) run before the engine; the observer sees outputs with their cause's time. */
class PipelineStagesTest
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
    void shouldRunExtraStagesBeforeTheEngineAndObserveOutputs() throws Exception
    {
        pipeline = pipeline(64, 5, listen(Transport.UDP, "127.0.0.1"));
        final ConcurrentHashMap<Long, Boolean> staged = new ConcurrentHashMap<>();
        final AtomicInteger notStagedFirst = new AtomicInteger();
        final Queue<Long> inputTimes = new ConcurrentLinkedQueue<>();
        final Queue<Long> observedTimes = new ConcurrentLinkedQueue<>();
        final InetSocketAddress nowhere = new InetSocketAddress("127.0.0.1", 9);
        final UnsafeBuffer reply = new UnsafeBuffer(bytes("SIP/2.0 200 OK\r\n\r\n"));

        // The stage restamps time (as the journal does after a recovery): the engine must see the new time.
        final Queue<String> stageThreads = new ConcurrentLinkedQueue<>();
        pipeline.addInboundStage((event, sequence, endOfBatch) ->
        {
            event.timeNs += 1_000_000_000_000L;
            staged.put(sequence, Boolean.TRUE);
            stageThreads.add(Thread.currentThread().getName());
        });
        pipeline.addInboundStage((event, sequence, endOfBatch) ->
        {
            if (event.type == InboundEvent.SIP && event.message.callId().contentEquals("refused-1"))
            {
                throw new IllegalStateException("a failing stage (expected by the test)");
            }
        });
        pipeline.outboundObserver((event, endOfBatch) -> observedTimes.add(event.timeNs));
        final long[] sequence = new long[1];
        pipeline.start((event, endOfBatch) ->
        {
            if (staged.remove(sequence[0]++) == null || event.timeNs < 1_000_000_000_000L)
            {
                notStagedFirst.incrementAndGet();
            }
            if (event.type == InboundEvent.SIP)
            {
                inputTimes.add(event.timeNs);
                pipeline.sender().send(Transport.UDP, nowhere, 0, reply, 0, reply.capacity());
            }
        });

        try (DatagramChannel channel = DatagramChannel.open())
        {
            final byte[] options = bytes(request("OPTIONS", "stage-1", "z9hG4bK-s1", 1, "UDP", ""));
            channel.send(ByteBuffer.wrap(options), pipeline.localAddress(Transport.UDP));
        }
        await("the output observed", () -> !observedTimes.isEmpty());
        assertEquals(0, notStagedFirst.get());
        assertEquals(inputTimes.peek(), observedTimes.peek(), "output stamped with its input's engine time");
        assertTrue(stageThreads.stream().allMatch(name -> name.startsWith("referee-engine")), stageThreads::toString);
        assertEquals(0, pipeline.counters().inboundStageErrors.get());

        // An input the journal cannot take is not applied: the engine never sees it, the request gets 503, the
        // failure is counted.
        final int seen = inputTimes.size();
        try (DatagramChannel channel = DatagramChannel.open())
        {
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            final byte[] options = bytes(request("OPTIONS", "refused-1", "z9hG4bK-r1", 1, "UDP", ""));
            channel.send(ByteBuffer.wrap(options), pipeline.localAddress(Transport.UDP));
            await("the input refused", () -> pipeline.counters().inputsRefused.get() == 1);
            final ByteBuffer answer = ByteBuffer.allocate(65_535);
            channel.receive(answer);
            final String text = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("SIP/2.0 503 Service Unavailable\r\n"), text);
            assertEquals("5", header(text, "Retry-After"), text);
        }
        assertEquals(1, pipeline.counters().inboundStageErrors.get(), "the failing stage is counted");
        assertEquals(seen, inputTimes.size(), "the engine never got the refused input");
    }

    @Test
    void shouldRefuseStagesAfterStart() throws Exception
    {
        pipeline = pipeline(64, 5);
        pipeline.start((event, endOfBatch) -> {});
        assertThrows(IllegalStateException.class, () -> pipeline.addInboundStage((e, s, b) -> {}));
        assertThrows(IllegalStateException.class, () -> pipeline.outboundObserver(OutboundObserver.NONE));
    }
}
