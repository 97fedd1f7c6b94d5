package dev.referee.engine.call;

import dev.referee.engine.counters.EngineCounters;
import dev.referee.engine.events.EngineEvents;
import dev.referee.engine.media.MediaAnchor;
import dev.referee.engine.time.EngineTimers;
import dev.referee.ring.MediaFigures;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;

/**
 * The B2BUA's side of media anchoring (issue 10, docs/media.md): what happens to calls and legs that the
 * {@link MediaAnchor} must follow (an SDP received, legs joined, a dialog confirmed, a leg gone, a call ending), and
 * what the relay's reports, journaled inputs, do to calls (a silent pair ends its call, an endpoint that could not be
 * opened fails its call, a closed endpoint's figures go to the call records). Every method does nothing when media
 * passes through (no anchor). Engine thread only.
 */
public final class CallMedia
{
    private final B2bua b2bua;
    /** Null when media passes through. */
    private final MediaAnchor anchor;
    private final CallSetup setup;
    private final LegMessages messages;
    private final EngineTimers timers;
    private final EngineEvents events;
    /** Null: counted nowhere. */
    private final EngineCounters counters;

    CallMedia(final B2bua b2bua, final MediaAnchor anchor, final CallSetup setup, final LegMessages messages,
        final EngineTimers timers, final EngineEvents events, final EngineCounters counters)
    {
        this.b2bua = b2bua;
        this.anchor = anchor;
        this.setup = setup;
        this.messages = messages;
        this.timers = timers;
        this.events = events;
        this.counters = counters;
    }

    /**
     * A body {@code message} brought from {@code leg}'s peer, the source and dialog already checked: when it is SDP,
     * or a multipart body with an SDP part (SIP-I), the leg's media endpoints follow it.
     */
    public void from(final Leg leg, final SipMessage message)
    {
        if (anchor == null || leg == null || message.bodyLength() == 0 || message.contentType() == null)
        {
            return;
        }
        final long joined = leg.peer() == null ? -1 : leg.peer().id;
        if (SdpOrigin.isSdp(message.contentType()))
        {
            anchor.received(leg.id, joined, message.buffer(), message.bodyOffset(), message.bodyLength());
        }
        else
        {
            anchor.receivedInParts(leg.id, joined, message.contentType(), message.buffer(), message.bodyOffset(),
                message.bodyLength());
        }
    }

    /** Two legs now relay to each other (Leg.join): their media is linked. */
    void joined(final Leg one, final Leg other)
    {
        if (anchor != null)
        {
            anchor.joined(one.id, other.id);
        }
    }

    /** A leg's dialog is established: its media endpoints time out from now on. */
    void confirmed(final Leg leg)
    {
        if (anchor != null)
        {
            anchor.answered(leg.id);
        }
    }

    /** A leg is gone: its media endpoints close. */
    void released(final Leg leg)
    {
        if (anchor != null)
        {
            anchor.released(leg.id);
        }
    }

    /**
     * The endpoints of the legs that end with {@code call} close (dropped right after): the call records are told
     * before the call's end, so that they wait for the relay's figures of those endpoints ({@link #onStats}).
     */
    void closing(final Call call)
    {
        for (int i = 0; anchor != null && i < call.legs.size(); i++)
        {
            final Leg leg = call.legs.get(i);
            final int lines = leg.call == call ? anchor.lines(leg.id) : 0;
            for (int line = 0; line < MediaAnchor.MAX_LINES; line++)
            {
                if ((lines & 1 << line) != 0)
                {
                    events.onMediaClosing(timers.nowNs(), call.id, leg == call.a, MediaAnchor.endpointId(leg.id, line));
                }
            }
        }
    }

    /**
     * A transfer calls its target (or recalls its transferor) for {@code transferee}: ringback plays to it until the
     * join links it to the one called, or {@link #stopRingback} (issue 10).
     */
    public void ringback(final Leg transferee)
    {
        if (anchor != null && !transferee.isTerminated())
        {
            anchor.ringback(transferee.id);
        }
    }

    /**
     * The transfer failed: {@code transferee} hears its far side again, the ringback over, or the target it heard
     * early ({@link #earlyMedia}).
     */
    public void stopRingback(final Leg transferee)
    {
        if (anchor != null)
        {
            anchor.stopRingback(transferee.id);
            endEarlyMedia(transferee);
        }
    }

    /** The target {@code transferee} heard early ({@link #earlyMedia}) failed: that link is over, the ringback stays. */
    public void endEarlyMedia(final Leg transferee)
    {
        if (anchor != null)
        {
            final Leg far = transferee.peer();
            anchor.endEarlyLink(transferee.id, far == null || far.isTerminated() ? -1 : far.id);
        }
    }

    /**
     * A transfer's {@code target}, called with {@code transferee}'s media as offer, answered it in a provisional
     * ({@code provisional}, a 183 with SDP): the transferee hears the target's early media from now on instead of
     * the ringback tone (issue 10). A provisional without SDP changes nothing.
     */
    public void earlyMedia(final Leg target, final Leg transferee, final SipMessage provisional)
    {
        if (anchor != null && provisional.bodyLength() > 0 && provisional.contentType() != null &&
            !transferee.isTerminated())
        {
            anchor.linkEarly(transferee.id, target.id);
        }
    }

    /** A new call was refused 503: no media port pairs left. */
    void portsExhausted()
    {
        if (counters != null)
        {
            counters.increment(EngineCounters.MEDIA_PORTS_EXHAUSTED);
        }
    }

    /** The relay's figures of an endpoint it closed: for the call records (nothing of the engine's state changes). */
    public void onStats(final long endpointId, final MediaFigures figures)
    {
        events.onMediaStats(timers.nowNs(), endpointId, figures);
    }

    /**
     * The relay found the pair of {@code endpointId} silent for its timeout: the call of its leg ends, cause
     * media-timeout. Passed over when the leg is gone or its call is not established (the relay's report may cross
     * the call's end).
     */
    public void onIdle(final long endpointId)
    {
        final Leg leg = legOf(endpointId);
        if (leg == null || leg.call.state() != Call.State.CONFIRMED)
        {
            return;
        }
        b2bua.endCall(leg, EndCause.MEDIA_TIMEOUT, "media timeout");
    }

    /**
     * The relay could not open endpoint {@code endpointId} on {@code rtpPort}: a port another process holds leaves the
     * pool, and the call of the endpoint's leg fails, since that leg's SDP names a port nobody relays on: while it
     * rings, 503 with Retry-After to the caller and CANCEL to the callee; once answered, BYE both ways; cause
     * media-failed either way. Passed over when the leg is gone or holds another port by now.
     */
    public void onOpenFailed(final long endpointId, final int rtpPort, final int failure)
    {
        if (anchor == null || !b2bua.config().failsCallsWhoseMediaCannotOpen())
        {
            return;
        }
        anchor.openFailed(rtpPort, failure);
        if (counters != null)
        {
            counters.increment(EngineCounters.MEDIA_OPEN_FAILED);
        }
        final Leg leg = legOf(endpointId);
        if (leg == null || anchor.rtpPort(leg.id, (int)(endpointId % MediaAnchor.MAX_LINES)) != rtpPort)
        {
            return;
        }
        final Call call = leg.call;
        if (call.state() == Call.State.INITIATING)
        {
            call.endCause = EndCause.MEDIA_FAILED;
            if (call.callerInvite != null && !call.callerInvite.isFinal())
            {
                messages.respond(call.callerInvite, SipStatus.SERVICE_UNAVAILABLE, "Retry-After", "5");
            }
            setup.cancelCallee(call);
        }
        else if (call.state() == Call.State.CONFIRMED)
        {
            b2bua.endCall(leg, EndCause.MEDIA_FAILED, "media ports could not be opened");
        }
    }

    /** The live leg of a relay endpoint, in a call; null when media passes through or the leg is gone. */
    private Leg legOf(final long endpointId)
    {
        if (anchor == null)
        {
            return null;
        }
        final Leg leg = b2bua.calls().legs().get(MediaAnchor.legOf(endpointId));
        return leg == null || leg.isTerminated() || leg.call == null ? null : leg;
    }
}
