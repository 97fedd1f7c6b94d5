package dev.referee.journal;

import dev.referee.ring.InboundEvent;
import dev.referee.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal stage records every input with the time the engine will see; the journal sender records each output the
 * send stage accepted, with the time of the input that caused it.
 */
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
    void shouldAppendEachAcceptedOutputAfterItsInputWithThatInputsTime()
    {
        final MemorySink sink = new MemorySink();
        final boolean[] accept = {true};
        final JournalSender outputs = new JournalSender(
            (transport, destination, connectionId, buffer, offset, length) -> accept[0], sink);
        final JournalInputStage stage = new JournalInputStage(sink, 1_000, null, outputs);
        final InboundEvent tick = new InboundEvent();
        tick.type = InboundEvent.TICK;
        tick.timeNs = 77;
        stage.onEvent(tick, 0, true);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[OPTIONS.length + 3]);
        message.putBytes(3, OPTIONS);

        assertTrue(outputs.send(Transport.TCP, SyntheticCalls.CALLEE, 3, message, 3, OPTIONS.length));
        accept[0] = false;
        assertFalse(outputs.send(Transport.UDP, SyntheticCalls.CALLEE, 0, message, 3, OPTIONS.length),
            "a message the send stage dropped (outbound ring full) is not journaled");

        assertEquals(RecordType.INPUT_TICK, JournalDecoder.decode(sink.records().poll()).type);
        final JournalRecord record = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.OUTPUT_SIP, record.type);
        assertEquals(1_077, record.timeNs, "the engine time of the input being handled");
        assertEquals(Transport.TCP, record.transport);
        assertEquals(SyntheticCalls.CALLEE, record.peer);
        assertEquals(3, record.connectionId);
        assertArrayEquals(OPTIONS, record.message);
        assertTrue(sink.records().isEmpty());
    }

    @Test
    void shouldEncodeAddressesAlikeWithAndWithoutTheCache()
    {
        final MemorySink plain = new MemorySink();
        final MemorySink cached = new MemorySink();
        final AddressCache addresses = new AddressCache();
        final UnsafeBuffer message = new UnsafeBuffer(OPTIONS);
        final InetSocketAddress[] peers = {SyntheticCalls.CALLER, SyntheticCalls.CALLEE,
            new InetSocketAddress("::1", 5070), new InetSocketAddress(SyntheticCalls.CALLER.getAddress(), 9)};
        for (int i = 0; i < 40; i++)
        {
            final InetSocketAddress peer = i % 7 == 0 ?
                new InetSocketAddress("10.0.0." + i, 5060) : peers[i % peers.length];
            JournalEncoder.outputSip(plain.begin(), i, Transport.UDP, peer, 0, message, 0, OPTIONS.length);
            plain.commit();
            JournalEncoder.outputSip(cached.begin(), addresses, i, Transport.UDP, peer, 0, message, 0,
                OPTIONS.length);
            cached.commit();
        }
        while (!plain.records().isEmpty())
        {
            assertArrayEquals(plain.records().poll(), cached.records().poll());
        }
    }
}
