package dev.referee.engine.events;

import dev.referee.ring.MediaFigures;

/**
 * Domain events the engine reports as calls and transfers happen, for humans and tools: the journal records them,
 * call records are built from them. Called on the engine thread, in order, with the engine time of the input that
 * caused them; an implementation must not block (hand off or append to a memory-mapped queue).
 * <p>
 * Ids: {@code callId} is Referee's own call id (a number, unique per node run); {@code legCallId} is the SIP
 * Call-ID of a leg as its peer sees it. Text arguments may be {@link dev.referee.sip.AsciiView}s that are only
 * valid during the call: copy what you keep.
 */
public interface EngineEvents
{
    /** Reports nothing. */
    EngineEvents NONE = new EngineEvents()
    {
    };

    /** A call began: the caller's INVITE was accepted and relayed. {@code parentCallId} is 0 unless a transfer made it. */
    default void onCallCreated(long nowNs, long callId, long parentCallId, CharSequence callerLegCallId,
        CharSequence calleeLegCallId, CharSequence from, CharSequence to, CharSequence target)
    {
    }

    /** The callee side sent a provisional response (180/183). */
    default void onLegRinging(long nowNs, long callId, int status)
    {
    }

    /** The callee side answered (2xx). */
    default void onLegAnswered(long nowNs, long callId)
    {
    }

    /** A REFER arrived on one of the call's legs. */
    default void onReferReceived(long nowNs, long callId, CharSequence transferor, CharSequence transferee,
        CharSequence referTo, CharSequence referredBy)
    {
    }

    /** A transfer was refused before it started: {@code status} is the answer given (403, 491...). */
    default void onTransferRefused(long nowNs, long callId, int status, CharSequence reason)
    {
    }

    /** A transfer started: {@code kind} is "blind", "attended", "blonde", "pickup" or "redirect". */
    default void onTransferStarted(long nowNs, long callId, long transferId, CharSequence kind, CharSequence target)
    {
    }

    /** The transfer target is ringing. */
    default void onTransferTargetRinging(long nowNs, long callId, long transferId, int status)
    {
    }

    /** The transferee and the target are joined; {@code newCallId} is the call that goes on. */
    default void onTransferCompleted(long nowNs, long callId, long transferId, long newCallId)
    {
    }

    /** The transfer failed: the target's final {@code status} (408 for no answer) and a plain reason. */
    default void onTransferFailed(long nowNs, long callId, long transferId, int status, CharSequence reason)
    {
    }

    /**
     * A leg joined the call beyond its caller and callee: {@code role} "target" (a transfer target Referee calls, or
     * the far end of the consultation an attended transfer joins), "recall" (the transferor called back), "pickup"
     * (the phone that picked up or took over the call) or "consultation" (the transferor's consultation dialog an
     * attended transfer replaces; its call is from then on part of this one). {@code legCallId} is the leg's SIP Call-ID:
     * the tools find every message of the call by it.
     */
    default void onLegAdded(long nowNs, long callId, CharSequence legCallId, CharSequence role)
    {
    }

    /**
     * Media anchored: endpoint {@code endpointId} of the call's caller leg ({@code callerLeg}) or callee leg closes as
     * the call ends (reported just before {@link #onCallEnded}); the relay's figures for it follow in
     * {@link #onMediaStats}, an input of their own.
     */
    default void onMediaClosing(long nowNs, long callId, boolean callerLeg, long endpointId)
    {
    }

    /** The relay's figures of endpoint {@code endpointId}, which it closed. A flyweight: copy before returning. */
    default void onMediaStats(long nowNs, long endpointId, MediaFigures figures)
    {
    }

    /**
     * A call ended. {@code cause}: "caller-bye", "callee-bye", "cancelled", "rejected", "timeout", "no-ack", "session-expired",
     * "no-prack" (a reliable provisional never acknowledged, RFC 3262), "media-timeout" (no RTP or RTCP from either
     * leg, media anchored), "media-failed" (the relay could not open a leg's ports),
     * "transferred", "transfer-failed". {@code status} is the SIP status that ended it (0 when a BYE ended it).
     */
    default void onCallEnded(long nowNs, long callId, CharSequence cause, int status)
    {
    }
}
