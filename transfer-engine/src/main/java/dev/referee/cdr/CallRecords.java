package dev.referee.cdr;

import org.agrona.collections.Long2ObjectHashMap;

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
    private final Long2ObjectHashMap<CallRecord> openCalls = new Long2ObjectHashMap<>();
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

            case CdrEvent.CALL_ENDED:
                onCallEnded(record, event);
                break;

            default:
                unmatchedEvents++;
                break;
        }
    }

    /** Calls still open (the node is stopping): handed on as they are, with no end. */
    void finishOpenCalls()
    {
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
        onFinished.accept(record);
    }
}
