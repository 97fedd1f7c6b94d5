package dev.referee.journal;

import dev.referee.ring.MediaFigures;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.events.WebhookRequests;
import dev.referee.pipeline.SipSender;
import org.agrona.DirectBuffer;

import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Stands between the engine and its sender, event sink and webhook client: while the journal is replayed it drops
 * all three (the
 * messages were sent, the events recorded, by the node that wrote the journal), then {@link #goLive()} lets them
 * through. The engine takes its sender and events once, at construction, hence this switch. Engine thread only
 * (the switch happens before the pipeline threads start).
 */
public final class RecoveryGate implements SipSender, EngineEvents, WebhookRequests
{
    private final SipSender sender;
    private final EngineEvents events;
    private final WebhookRequests webhooks;
    private boolean live;
    private long suppressedOutputs;

    public RecoveryGate(final SipSender sender, final EngineEvents events)
    {
        this(sender, events, WebhookRequests.NONE);
    }

    public RecoveryGate(final SipSender sender, final EngineEvents events, final WebhookRequests webhooks)
    {
        this.sender = sender;
        this.events = events;
        this.webhooks = webhooks;
    }

    /**
     * A webhook asked during replay was asked by the node that wrote the journal; its answer, if it came, is a
     * journaled input. One asked and not answered before a crash is never answered: its timeout decides.
     */
    @Override
    public void post(final long requestId, final URI url, final String json)
    {
        if (live)
        {
            webhooks.post(requestId, url, json);
        }
    }

    public void goLive()
    {
        live = true;
    }

    /** Messages the engine produced during replay and that were not sent. */
    public long suppressedOutputs()
    {
        return suppressedOutputs;
    }

    @Override
    public boolean send(final int transport, final InetSocketAddress destination, final long connectionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        if (!live)
        {
            suppressedOutputs++;
            return true;
        }
        return sender.send(transport, destination, connectionId, buffer, offset, length);
    }

    @Override
    public void onCallCreated(final long nowNs, final long callId, final long parentCallId,
        final CharSequence callerLegCallId, final CharSequence calleeLegCallId, final CharSequence from,
        final CharSequence to, final CharSequence target)
    {
        if (live)
        {
            events.onCallCreated(nowNs, callId, parentCallId, callerLegCallId, calleeLegCallId, from, to, target);
        }
    }

    @Override
    public void onLegRinging(final long nowNs, final long callId, final int status)
    {
        if (live)
        {
            events.onLegRinging(nowNs, callId, status);
        }
    }

    @Override
    public void onLegAnswered(final long nowNs, final long callId)
    {
        if (live)
        {
            events.onLegAnswered(nowNs, callId);
        }
    }

    @Override
    public void onReferReceived(final long nowNs, final long callId, final CharSequence transferor,
        final CharSequence transferee, final CharSequence referTo, final CharSequence referredBy)
    {
        if (live)
        {
            events.onReferReceived(nowNs, callId, transferor, transferee, referTo, referredBy);
        }
    }

    @Override
    public void onTransferRefused(final long nowNs, final long callId, final int status, final CharSequence reason)
    {
        if (live)
        {
            events.onTransferRefused(nowNs, callId, status, reason);
        }
    }

    @Override
    public void onTransferStarted(final long nowNs, final long callId, final long transferId,
        final CharSequence kind, final CharSequence target)
    {
        if (live)
        {
            events.onTransferStarted(nowNs, callId, transferId, kind, target);
        }
    }

    @Override
    public void onTransferTargetRinging(final long nowNs, final long callId, final long transferId, final int status)
    {
        if (live)
        {
            events.onTransferTargetRinging(nowNs, callId, transferId, status);
        }
    }

    @Override
    public void onTransferCompleted(final long nowNs, final long callId, final long transferId, final long newCallId)
    {
        if (live)
        {
            events.onTransferCompleted(nowNs, callId, transferId, newCallId);
        }
    }

    @Override
    public void onTransferFailed(final long nowNs, final long callId, final long transferId, final int status,
        final CharSequence reason)
    {
        if (live)
        {
            events.onTransferFailed(nowNs, callId, transferId, status, reason);
        }
    }

    @Override
    public void onCallEnded(final long nowNs, final long callId, final CharSequence cause, final int status)
    {
        if (live)
        {
            events.onCallEnded(nowNs, callId, cause, status);
        }
    }

    @Override
    public void onMediaClosing(final long nowNs, final long callId, final boolean callerLeg, final long endpointId)
    {
        if (live)
        {
            events.onMediaClosing(nowNs, callId, callerLeg, endpointId);
        }
    }

    @Override
    public void onMediaStats(final long nowNs, final long endpointId, final MediaFigures figures)
    {
        if (live)
        {
            events.onMediaStats(nowNs, endpointId, figures);
        }
    }

    @Override
    public void onLegAdded(final long nowNs, final long callId, final CharSequence legCallId, final CharSequence role)
    {
        if (live)
        {
            events.onLegAdded(nowNs, callId, legCallId, role);
        }
    }
}
