package dev.referee.engine.call;

/** Why a call ended: the cause its call-ended event, its call record and the journal carry (as {@link #wire()}). */
public enum EndCause
{
    CALLER_BYE("caller-bye"),
    CALLEE_BYE("callee-bye"),
    /** The callee did not answer before Timer C or B. */
    TIMEOUT("timeout"),
    /** A 2xx Referee sent was never acknowledged (64*T1). */
    NO_ACK("no-ack"),
    /** The caller gave up before the answer. */
    CANCELLED("cancelled"),
    /** The callee (or every redirect target) refused. */
    REJECTED("rejected"),
    /** A transfer took the call's place. */
    TRANSFERRED("transferred"),
    /** A transfer failed and left nobody to go back to. */
    TRANSFER_FAILED("transfer-failed"),
    /** A pickup (INVITE with Replaces) failed after it had taken the call. */
    PICKUP_FAILED("pickup-failed"),
    /** A leg's session timer ran out: its refresh never came (RFC 4028 §10). */
    SESSION_EXPIRED("session-expired"),
    /** A reliable provisional Referee sent the caller was never acknowledged with PRACK (RFC 3262 §3). */
    NO_PRACK("no-prack"),
    /** Neither leg sent RTP or RTCP for media.timeout (media.hold-timeout on hold): the relay said so (issue 10). */
    MEDIA_TIMEOUT("media-timeout"),
    /** The relay could not open a leg's media ports (another process holds them): 503 while ringing, BYE after. */
    MEDIA_FAILED("media-failed"),
    /** Nothing set a cause. */
    ENDED("ended");

    private final String wire;

    EndCause(final String wire)
    {
        this.wire = wire;
    }

    /** The name in events, records and the journal. */
    String wire()
    {
        return wire;
    }

    /** The cause named {@code wire} (as a snapshot holds it); null for null. */
    static EndCause ofWire(final String wire)
    {
        if (wire == null)
        {
            return null;
        }
        for (final EndCause cause : values())
        {
            if (cause.wire.equals(wire))
            {
                return cause;
            }
        }
        throw new IllegalArgumentException("unknown end cause " + wire);
    }
}
