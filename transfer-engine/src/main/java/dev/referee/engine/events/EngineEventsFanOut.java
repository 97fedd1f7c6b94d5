package dev.referee.engine.events;

import dev.referee.ring.MediaFigures;

/** Hands every event to each of several listeners (the journal and the call records), in order. */
public final class EngineEventsFanOut implements EngineEvents
{
    private final EngineEvents[] listeners;

    private EngineEventsFanOut(final EngineEvents[] listeners)
    {
        this.listeners = listeners;
    }

    /** One listener for all: {@link EngineEvents#NONE} for none, the listener itself for one. */
    public static EngineEvents of(final EngineEvents... listeners)
    {
        if (listeners.length == 0)
        {
            return EngineEvents.NONE;
        }
        return listeners.length == 1 ? listeners[0] : new EngineEventsFanOut(listeners.clone());
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onCallCreated(nowNs, callId, parentCallId, callerLegCallId, calleeLegCallId, from, to, target);
        }
    }

    @Override
    public void onLegRinging(final long nowNs, final long callId, final int status)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onLegRinging(nowNs, callId, status);
        }
    }

    @Override
    public void onLegAnswered(final long nowNs, final long callId)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onLegAnswered(nowNs, callId);
        }
    }

    @Override
    public void onReferReceived(final long nowNs, final long callId, final CharSequence transferor,
        final CharSequence transferee, final CharSequence referTo, final CharSequence referredBy)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onReferReceived(nowNs, callId, transferor, transferee, referTo, referredBy);
        }
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onTransferRefused(nowNs, callId, status, reason);
        }
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId, final CharSequence kind,
        final CharSequence target)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onTransferStarted(nowNs, callId, transferId, kind, target);
        }
    }

    @Override
    public void onTransferTargetRinging(final long nowNs, final long callId, final long transferId, final int status)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onTransferTargetRinging(nowNs, callId, transferId, status);
        }
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onTransferCompleted(nowNs, callId, transferId, newCallId);
        }
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onTransferFailed(nowNs, callId, transferId, status, reason);
        }
    }

    @Override
    public void onLegAdded(final long nowNs, final long callId, final CharSequence legCallId, final CharSequence role)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onLegAdded(nowNs, callId, legCallId, role);
        }
    }

    @Override
    public void onMediaClosing(final long nowNs, final long callId, final boolean callerLeg, final long endpointId)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onMediaClosing(nowNs, callId, callerLeg, endpointId);
        }
    }

    @Override
    public void onMediaStats(final long nowNs, final long endpointId, final MediaFigures figures)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onMediaStats(nowNs, endpointId, figures);
        }
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        for (final EngineEvents listener : listeners)
        {
            listener.onCallEnded(nowNs, callId, cause, status);
        }
    }
}
