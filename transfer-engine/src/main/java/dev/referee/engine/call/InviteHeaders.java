package dev.referee.engine.call;

/**
 * The headers an INVITE Referee originates carries beyond the dialog's own: Referred-By (RFC 3892) toward a transfer
 * target, and Replaces (RFC 3891) when the REFER named a dialog Referee does not hold. Either may be null.
 */
public record InviteHeaders(String referredBy, String replaces)
{
    public static final InviteHeaders NONE = new InviteHeaders(null, null);
}
