package dev.referee.journal;

import dev.referee.pipeline.InboundEvent;
import dev.referee.pipeline.OutboundEvent;
import dev.referee.transport.Transport;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal stage records every input with the time the engine will see; the observer records outputs. */
class JournalInputStageTest
{
    private static final byte[] OPTIONS = "OPTIONS sip:x@y SIP/2.0\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldAppendEveryInputRestampedOntoTheJournalTimeLine()
    {
        final MemorySink sink = new MemorySink();
        final JournalInputStage stage = new JournalInputStage(sink, 1_000);
        final InboundEvent sip = new InboundEvent();
        sip.type = InboundEvent.SIP;
        sip.timeNs = 5;
        sip.transport = Transport.UDP;
        sip.source = SyntheticCalls.CALLER;
        sip.local = SyntheticCalls.REFEREE;
        sip.data.putBytes(0, OPTIONS);
        sip.length = OPTIONS.length;
        stage.onEvent(sip, 0, false);
        final InboundEvent tick = new InboundEvent();
        tick.type = InboundEvent.TICK;
        tick.timeNs = 6;
        stage.onEvent(tick, 1, true);

        assertEquals(1_005, sip.timeNs, "the engine sees the restamped time");
        final JournalRecord first = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.INPUT_SIP, first.type);
        assertEquals(1_005, first.timeNs);
        assertEquals(SyntheticCalls.CALLER, first.peer);
        assertArrayEquals(OPTIONS, first.message);
        final JournalRecord second = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.INPUT_TICK, second.type);
        assertEquals(1_006, second.timeNs);
        assertTrue(sink.records().isEmpty());
    }

    @Test
    void shouldAppendOutputsWithTheCausingInputTime()
    {
        final MemorySink sink = new MemorySink();
        final OutboundEvent event = new OutboundEvent();
        event.timeNs = 77;
        event.transport = Transport.TCP;
        event.destination = SyntheticCalls.CALLEE;
        event.connectionId = 3;
        event.data.putBytes(0, OPTIONS);
        event.length = OPTIONS.length;
        new JournalOutputObserver(sink).onOutbound(event, true);
        final JournalRecord record = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.OUTPUT_SIP, record.type);
        assertEquals(77, record.timeNs);
        assertEquals(Transport.TCP, record.transport);
        assertEquals(3, record.connectionId);
        assertArrayEquals(OPTIONS, record.message);
    }
}
