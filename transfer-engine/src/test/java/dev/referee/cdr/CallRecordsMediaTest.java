package dev.referee.cdr;

import dev.referee.ring.MediaFigures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Media anchored (issue 10): an ended call's record waits for the relay's figures of the endpoints that closed with it
 * (an input of their own, after the call's end), adds each leg's lines up, and is written once all are in, or with
 * what came once {@link CallRecords#MEDIA_WAIT_NS} passed.
 */
class CallRecordsMediaTest
{
    private static final long S = 1_000_000_000L;
    private static final long CALLER_AUDIO = 16;
    private static final long CALLER_VIDEO = 17;
    private static final long CALLEE_AUDIO = 32;

    private final List<CallRecord> written = new ArrayList<>();
    private final CallRecords records = new CallRecords(written::add);

    private void callWithMediaEnds(final long callId, final long endNs)
    {
        records.onEvent(new CdrEvent().reset(CdrEvent.CALL_CREATED, 0, callId).text(0, "a").text(1, "b"));
        records.onEvent(closing(callId, true, CALLER_AUDIO));
        records.onEvent(closing(callId, true, CALLER_VIDEO));
        records.onEvent(closing(callId, false, CALLEE_AUDIO));
        records.onEvent(new CdrEvent().reset(CdrEvent.CALL_ENDED, endNs, callId).text(0, "caller-bye"));
    }

    private static CdrEvent closing(final long callId, final boolean callerLeg, final long endpointId)
    {
        final CdrEvent event = new CdrEvent().reset(CdrEvent.MEDIA_CLOSING, 0, callId);
        event.otherId = endpointId;
        event.status = callerLeg ? 1 : 0;
        return event;
    }

    private static CdrEvent stats(final long endpointId, final long packets, final long jitter, final long firstNs,
        final long lastNs)
    {
        final CdrEvent event = new CdrEvent().reset(CdrEvent.MEDIA_STATS, 0, 0);
        event.otherId = endpointId;
        event.figures.set(packets, packets * 172, 2, 1, jitter, 0, firstNs, lastNs);
        return event;
    }

    @Test
    void shouldWriteTheRecordOnceEveryClosedEndpointReportedWithEachLegsLinesAddedUp()
    {
        callWithMediaEnds(1, 60 * S);
        assertTrue(written.isEmpty(), "the relay's figures come after the call's end");
        records.onEvent(stats(CALLER_AUDIO, 1_000, 40, 2 * S, 59 * S));
        records.onEvent(stats(CALLEE_AUDIO, 990, 12, 3 * S, 60 * S));
        assertTrue(written.isEmpty(), "the caller's video line has not reported");
        records.onEvent(stats(CALLER_VIDEO, 500, 90, S, 58 * S));

        assertEquals(1, written.size());
        final MediaFigures caller = written.get(0).callerMedia;
        assertEquals(1_500, caller.packets, "both of the caller's lines");
        assertEquals(1_500 * 172, caller.bytes);
        assertEquals(4, caller.rtcpPackets);
        assertEquals(2, caller.lost);
        assertEquals(90, caller.jitter, "the worst line's jitter");
        assertEquals(S, caller.firstPacketNs, "the earliest first packet");
        assertEquals(59 * S, caller.lastPacketNs, "the latest last packet");
        assertEquals(990, written.get(0).calleeMedia.packets);
        records.expire(61 * S);
        assertEquals(0, records.waitingForMedia());
        assertEquals(0, records.unmatchedEvents());
    }

    @Test
    void shouldWriteWithWhatCameWhenTheRelayDoesNotReportInTime()
    {
        callWithMediaEnds(1, 60 * S);
        records.onEvent(stats(CALLEE_AUDIO, 990, 12, 3 * S, 60 * S));
        records.expire(60 * S + CallRecords.MEDIA_WAIT_NS - 1);
        assertTrue(written.isEmpty(), "still within the wait");

        records.expire(60 * S + CallRecords.MEDIA_WAIT_NS);
        assertEquals(1, written.size());
        assertNull(written.get(0).callerMedia, "the caller's endpoints never reported");
        assertEquals(990, written.get(0).calleeMedia.packets);

        records.onEvent(stats(CALLER_AUDIO, 1_000, 40, 2 * S, 59 * S));
        assertEquals(1, written.size(), "a late report changes nothing written");
        assertEquals(0, records.unmatchedEvents(), "figures of a leg no record waits for are expected");
    }

    @Test
    void shouldWriteACallWithoutMediaAtOnceAndOneWithMediaWithoutHoldingBackTheOthers()
    {
        callWithMediaEnds(1, 60 * S);
        records.onEvent(new CdrEvent().reset(CdrEvent.CALL_CREATED, 0, 2).text(0, "a2").text(1, "b2"));
        records.onEvent(new CdrEvent().reset(CdrEvent.CALL_ENDED, 61 * S, 2).text(0, "rejected"));
        assertEquals(1, written.size(), "a call no endpoint closed with is written at its end");
        assertEquals(2, written.get(0).callId);
        assertNull(written.get(0).callerMedia);

        records.finishOpenCalls();
        assertEquals(2, written.size(), "a node that stops writes what waits");
        assertEquals(0, records.waitingForMedia());
    }
}
