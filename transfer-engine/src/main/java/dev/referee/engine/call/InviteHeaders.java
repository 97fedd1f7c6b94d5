package dev.referee.engine.call;

/**
 * The headers an INVITE Referee originates carries beyond the dialog's own: Referred-By (RFC 3892) toward a transfer
 * target, Replaces (RFC 3891) when the REFER named a dialog Referee does not hold, and P-Asserted-Identity (RFC 3325)
 * when a transferee on a trusted trunk is joined to its target. Any may be null.
 */
public record InviteHeaders(String referredBy, String replaces, String assertedIdentity)
{
    public static final InviteHeaders NONE = new InviteHeaders(null, null, null);

    public InviteHeaders(final String referredBy, final String replaces)
    {
        this(referredBy, replaces, null);
    }

    /** A re-INVITE telling its receiver who it now talks to. */
    public static InviteHeaders asserting(final String identity)
    {
        return new InviteHeaders(null, null, identity);
    }
}
