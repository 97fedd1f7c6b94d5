package dev.referee.journal;

import dev.referee.ring.MediaFigures;
import dev.referee.engine.events.EngineEvents;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Appends each domain event as one record, on the engine thread, through its own sink. Encoding copies the
 * text arguments at once, which is what {@link EngineEvents} asks of views valid only during the call.
 */
public final class JournalEvents implements EngineEvents
{
    private final RecordSink sink;

    public JournalEvents(final RecordSink sink)
    {
        this.sink = sink;
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        final Bytes<?> out = begin(RecordType.CALL_CREATED, nowNs, callId);
        out.writeLong(parentCallId);
        JournalEncoder.text(out, callerLegCallId);
        JournalEncoder.text(out, calleeLegCallId);
        JournalEncoder.text(out, from);
        JournalEncoder.text(out, to);
        JournalEncoder.text(out, target);
        sink.commit();
    }

    @Override
    public void onLegRinging(final long nowNs, final long callId, final int status)
    {
        begin(RecordType.LEG_RINGING, nowNs, callId).writeInt(status);
        sink.commit();
    }

    @Override
    public void onLegAnswered(final long nowNs, final long callId)
    {
        begin(RecordType.LEG_ANSWERED, nowNs, callId);
        sink.commit();
    }

    @Override
    public void onReferReceived(final long nowNs, final long callId, final CharSequence transferor,
        final CharSequence transferee, final CharSequence referTo, final CharSequence referredBy)
    {
        final Bytes<?> out = begin(RecordType.REFER_RECEIVED, nowNs, callId);
        JournalEncoder.text(out, transferor);
        JournalEncoder.text(out, transferee);
        JournalEncoder.text(out, referTo);
        JournalEncoder.text(out, referredBy);
        sink.commit();
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        final Bytes<?> out = begin(RecordType.TRANSFER_REFUSED, nowNs, callId);
        out.writeInt(status);
        JournalEncoder.text(out, reason);
        sink.commit();
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId,
        final CharSequence kind, final CharSequence target)
    {
        final Bytes<?> out = begin(RecordType.TRANSFER_STARTED, nowNs, callId);
        out.writeLong(transferId);
        JournalEncoder.text(out, kind);
        JournalEncoder.text(out, target);
        sink.commit();
    }

    @Override
    public void onTransferTargetRinging(final long nowNs, final long callId, final long transferId, final int status)
    {
        final Bytes<?> out = begin(RecordType.TRANSFER_TARGET_RINGING, nowNs, callId);
        out.writeLong(transferId);
        out.writeInt(status);
        sink.commit();
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        final Bytes<?> out = begin(RecordType.TRANSFER_COMPLETED, nowNs, callId);
        out.writeLong(transferId);
        out.writeLong(newCallId);
        sink.commit();
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        final Bytes<?> out = begin(RecordType.TRANSFER_FAILED, nowNs, callId);
        out.writeLong(transferId);
        out.writeInt(status);
        JournalEncoder.text(out, reason);
        sink.commit();
    }

    @Override
    public void onLegAdded(final long nowNs, final long callId, final CharSequence legCallId, final CharSequence role)
    {
        final Bytes<?> out = begin(RecordType.LEG_ADDED, nowNs, callId);
        JournalEncoder.text(out, legCallId);
        JournalEncoder.text(out, role);
        sink.commit();
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        final Bytes<?> out = begin(RecordType.CALL_ENDED, nowNs, callId);
        JournalEncoder.text(out, cause);
        out.writeInt(status);
        sink.commit();
    }

    private Bytes<?> begin(final int type, final long nowNs, final long callId)
    {
        final Bytes<?> out = sink.begin();
        JournalEncoder.event(out, type, nowNs, callId);
        return out;
    }

    /**
     * Not a record of its own: the endpoints closing follow from the call's legs, and the figures are in the journal
     * already, as the input that brought them ({@link RecordType#INPUT_MEDIA_STATS}).
     */
    @Override
    public void onMediaClosing(final long nowNs, final long callId, final boolean callerLeg, final long endpointId)
    {
    }

    /** Not a record of its own: the input that brought the figures is one ({@link RecordType#INPUT_MEDIA_STATS}). */
    @Override
    public void onMediaStats(final long nowNs, final long endpointId, final MediaFigures figures)
    {
    }
}
