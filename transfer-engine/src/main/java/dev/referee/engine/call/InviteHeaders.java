package dev.referee.engine.call;

/**
 * The headers an INVITE Referee originates carries beyond the dialog's own: Referred-By (RFC 3892) toward a transfer
 * target, and Replaces (RFC 3891) when the REFER named a dialog Referee does not hold. Either may be null.
 */
record InviteHeaders(String referredBy, String replaces)
{
    static final InviteHeaders NONE = new InviteHeaders(null, null);
}
