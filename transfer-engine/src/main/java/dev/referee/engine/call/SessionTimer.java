package dev.referee.engine.call;

import dev.referee.engine.message.StoredMessage;
import dev.referee.engine.time.EngineTimers;

/**
 * One leg's session timer (RFC 4028): the interval negotiated with the leg's peer, who refreshes, and the one timer
 * that runs for it (owned by the leg). Made only for a leg whose peer negotiated a timer. Engine thread only.
 */
final class SessionTimer
{
    /** The session interval in seconds (Session-Expires as negotiated); 0 until a request or answer brings one. */
    int intervalS;
    /** Referee sends the refreshes on this leg; else the peer does and Referee watches for them. */
    boolean refereeRefreshes;
    /** The peer's Allow listed UPDATE: a refresh can be an UPDATE without body (RFC 4028 §10 prefers it). */
    boolean peerAllowsUpdate;
    /**
     * The pending timer ends the call when it fires: always when the peer refreshes; when Referee does, once its
     * refresh is out (the second half of the interval) and until its 2xx comes.
     */
    boolean expiring;
    long timerId = EngineTimers.NO_TIMER;
    /**
     * The last SDP Referee sent on the leg, as it wrote it before the o= line (SdpOrigin keeps the version of a body
     * sent again unchanged): offered again by a re-INVITE refresh. Kept only when Referee refreshes a peer without
     * UPDATE.
     */
    StoredMessage sdp;
    String sdpType;

    /** Refreshes go as re-INVITEs carrying the last SDP: the only case that needs a copy of it. */
    boolean keepsSdp()
    {
        return refereeRefreshes && !peerAllowsUpdate;
    }

    /** The {@code refresher} parameter for a message Referee sends as UAC ({@code uac}: Referee sends the request). */
    String refresherParam(final boolean refereeIsUac)
    {
        return refereeRefreshes == refereeIsUac ? "uac" : "uas";
    }
}
