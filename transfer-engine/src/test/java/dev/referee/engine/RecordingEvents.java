package dev.referee.engine;

import dev.referee.engine.events.EngineEvents;
import dev.referee.ring.MediaFigures;

import java.util.List;

/** Writes each domain event as one line of text, so tests can compare sequences. */
final class RecordingEvents implements EngineEvents
{
    private final List<String> lines;

    RecordingEvents(final List<String> lines)
    {
        this.lines = lines;
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        lines.add("created " + callId + " parent=" + parentCallId + " from=" + from + " to=" + to);
    }

    @Override
    public void onLegRinging(final long nowNs, final long callId, final int status)
    {
        lines.add("ringing " + callId + " " + status);
    }

    @Override
    public void onLegAnswered(final long nowNs, final long callId)
    {
        lines.add("answered " + callId);
    }

    @Override
    public void onReferReceived(final long nowNs, final long callId, final CharSequence transferor,
        final CharSequence transferee, final CharSequence referTo, final CharSequence referredBy)
    {
        lines.add("refer " + callId + " to=" + referTo);
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        lines.add("refused " + callId + " " + status + " " + reason);
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId, final CharSequence kind,
        final CharSequence target)
    {
        lines.add("transfer-started " + callId + " " + kind);
    }

    @Override
    public void onTransferTargetRinging(final long nowNs, final long callId, final long transferId, final int status)
    {
        lines.add("transfer-ringing " + callId + " " + status);
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        lines.add("transfer-completed " + callId + " new=" + newCallId);
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        lines.add("transfer-failed " + callId + " " + status + " " + reason);
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        lines.add("ended " + callId + " " + cause + " " + status);
    }

    @Override
    public void onMediaClosing(final long nowNs, final long callId, final boolean callerLeg, final long endpointId)
    {
        lines.add("media-closing " + callId + " " + (callerLeg ? "caller" : "callee") + " " + endpointId);
    }

    @Override
    public void onMediaStats(final long nowNs, final long endpointId, final MediaFigures figures)
    {
        lines.add("media-stats " + endpointId + " " + figures);
    }

    @Override
    public void onLegAdded(final long nowNs, final long callId, final CharSequence legCallId, final CharSequence role)
    {
        lines.add("leg-added " + callId + " " + role);
    }
}
