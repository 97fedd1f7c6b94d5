package dev.referee.cdr;

import dev.referee.ring.MediaFigures;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds {@link CallRecord}s from engine events and hands each one on when its call ends. Confined to the writer
 * thread. Events for a call it does not know (its creation was dropped, or it ended already) are counted, not
 * silently ignored.
 */
final class CallRecords
{
    /**
     * How long an ended call's record waits for the relay's figures of its media endpoints (they come as an input of
     * their own once the relay closed them, a few milliseconds after the call's end): past it, the record is written
     * with what came.
     */
    static final long MEDIA_WAIT_NS = 2_000_000_000L;

    private final Long2ObjectHashMap<CallRecord> openCalls = new Long2ObjectHashMap<>();
    /** Endpoints whose figures an ended (or ending) call's record waits for, with the leg they belong to. */
    private final Long2ObjectHashMap<AwaitedEndpoint> awaitedEndpoints = new Long2ObjectHashMap<>();
    /** Ended records waiting for media figures, oldest end first. */
    private final ArrayDeque<CallRecord> waiting = new ArrayDeque<>();
    private final Consumer<CallRecord> onFinished;
    private long unmatchedEvents;

    CallRecords(final Consumer<CallRecord> onFinished)
    {
        this.onFinished = onFinished;
    }

    int openCalls()
    {
        return openCalls.size();
    }

    /** Ended calls whose records wait for media figures. */
    int waitingForMedia()
    {
        return waiting.size();
    }

    long unmatchedEvents()
    {
        return unmatchedEvents;
    }

    void onEvent(final CdrEvent event)
    {
        if (CdrEvent.CALL_CREATED == event.type)
        {
            onCallCreated(event);
            return;
        }
        if (CdrEvent.MEDIA_STATS == event.type)
        {
            onMediaStats(event);
            return;
        }

        final CallRecord record = openCalls.get(event.callId);
        if (null == record)
        {
            unmatchedEvents++;
            return;
        }

        switch (event.type)
        {
            case CdrEvent.LEG_RINGING:
                if (CallRecord.NULL_TIME == record.ringNs)
                {
                    record.ringNs = event.nowNs;
                }
                break;

            case CdrEvent.LEG_ANSWERED:
                if (CallRecord.NULL_TIME == record.answerNs)
                {
                    record.answerNs = event.nowNs;
                }
                break;

            case CdrEvent.REFER_RECEIVED:
                record.transferor = event.textAsString(0);
                record.transferee = event.textAsString(1);
                record.referTo = event.textAsString(2);
                record.referredBy = event.textAsString(3);
                break;

            case CdrEvent.TRANSFER_REFUSED:
                record.refused = true;
                record.refusedStatus = event.status;
                record.refusedReason = event.textAsString(0);
                break;

            case CdrEvent.TRANSFER_STARTED:
                record.transfer = new CallRecord.TransferOutcome(
                    event.otherId, event.textAsString(0), event.textAsString(1));
                break;

            case CdrEvent.TRANSFER_COMPLETED:
                onTransferCompleted(record, event);
                break;

            case CdrEvent.TRANSFER_FAILED:
                onTransferFailed(record, event);
                break;

            case CdrEvent.MEDIA_CLOSING:
                record.mediaAwaited++;
                awaitedEndpoints.put(event.otherId, new AwaitedEndpoint(record, 1 == event.status));
                break;

            case CdrEvent.CALL_ENDED:
                onCallEnded(record, event);
                break;

            default:
                unmatchedEvents++;
                break;
        }
    }

    /** Writes the ended records that waited for media figures until {@code nowNs} (writer clock) and still miss some. */
    void expire(final long nowNs)
    {
        while (!waiting.isEmpty() && (waiting.peekFirst().mediaAwaited == 0 || waiting.peekFirst().writeByNs <= nowNs))
        {
            final CallRecord record = waiting.pollFirst();
            if (record.mediaAwaited > 0)
            {
                finishWithoutTheRest(record);
            }
        }
    }

    /** Calls still open (the node is stopping): handed on as they are, with no end. */
    void finishOpenCalls()
    {
        while (!waiting.isEmpty())
        {
            final CallRecord record = waiting.pollFirst();
            if (record.mediaAwaited > 0)
            {
                finishWithoutTheRest(record);
            }
        }
        final List<CallRecord> open = new ArrayList<>(openCalls.values());
        open.sort((a, b) -> Long.compare(a.callId, b.callId));
        openCalls.clear();
        for (final CallRecord record : open)
        {
            onFinished.accept(record);
        }
    }

    private void onCallCreated(final CdrEvent event)
    {
        final CallRecord record = new CallRecord(
            event.callId,
            event.otherId,
            event.textAsString(0),
            event.textAsString(1),
            event.textAsString(2),
            event.textAsString(3),
            event.textAsString(4),
            event.nowNs);
        if (null != openCalls.put(event.callId, record))
        {
            // Ids are unique per node run: a duplicate means an event was lost; keep the newer call.
            unmatchedEvents++;
        }
    }

    private void onTransferCompleted(final CallRecord record, final CdrEvent event)
    {
        final CallRecord.TransferOutcome transfer = transferFor(record, event.otherId);
        if (null == transfer)
        {
            return;
        }
        transfer.outcome = CallRecord.TransferOutcome.COMPLETED;
        transfer.newCallId = event.newCallId;
    }

    private void onTransferFailed(final CallRecord record, final CdrEvent event)
    {
        final CallRecord.TransferOutcome transfer = transferFor(record, event.otherId);
        if (null == transfer)
        {
            return;
        }
        transfer.outcome = CallRecord.TransferOutcome.FAILED;
        transfer.status = event.status;
        transfer.reason = event.textAsString(0);
    }

    private CallRecord.TransferOutcome transferFor(final CallRecord record, final long transferId)
    {
        final CallRecord.TransferOutcome transfer = record.transfer;
        if (null == transfer || transfer.transferId != transferId)
        {
            unmatchedEvents++;
            return null;
        }
        return transfer;
    }

    private void onCallEnded(final CallRecord record, final CdrEvent event)
    {
        record.endNs = event.nowNs;
        record.cause = event.textAsString(0);
        record.status = event.status;
        if (null != record.transfer && CallRecord.TransferOutcome.PENDING.equals(record.transfer.outcome))
        {
            record.transfer.outcome = CallRecord.TransferOutcome.ABANDONED;
        }
        openCalls.remove(record.callId);
        if (record.mediaAwaited > 0)
        {
            record.writeByNs = event.nowNs + MEDIA_WAIT_NS;
            waiting.addLast(record);
            return;
        }
        onFinished.accept(record);
    }

    /** The relay's figures of a closed endpoint: added to its leg's; the record goes once it has them all. */
    private void onMediaStats(final CdrEvent event)
    {
        final AwaitedEndpoint endpoint = awaitedEndpoints.remove(event.otherId);
        if (null == endpoint)
        {
            // A leg that ended before its call (a transfer target that did not answer), or a record written already
            // without it: its figures are in the journal only. Expected, so not counted as unmatched.
            return;
        }
        final CallRecord record = endpoint.record;
        if (endpoint.callerLeg)
        {
            record.callerMedia = null == record.callerMedia ? new MediaFigures().set(event.figures) :
                record.callerMedia.add(event.figures);
        }
        else
        {
            record.calleeMedia = null == record.calleeMedia ? new MediaFigures().set(event.figures) :
                record.calleeMedia.add(event.figures);
        }
        record.mediaAwaited--;
        if (0 == record.mediaAwaited && record.hasEnded())
        {
            onFinished.accept(record); // leaves the waiting queue at the next expire
        }
    }

    /** Written with the figures that came; the endpoints still awaited are forgotten. */
    private void finishWithoutTheRest(final CallRecord record)
    {
        awaitedEndpoints.values().removeIf(endpoint -> endpoint.record == record);
        record.mediaAwaited = 0;
        onFinished.accept(record);
    }

    private record AwaitedEndpoint(CallRecord record, boolean callerLeg)
    {
    }
}
