package dev.referee.cdr;

import dev.referee.ring.MediaFigures;

/**
 * What is known of one call while it lasts, built from its events on the writer thread (never touched by the
 * engine thread). Written out as one line per leg when the call ends.
 */
final class CallRecord
{
    /** Sentinel for a time that never happened (no ringing, no answer, not ended). */
    static final long NULL_TIME = Long.MIN_VALUE;

    final long callId;
    final long parentCallId;
    final String callerLegCallId;
    final String calleeLegCallId;
    final String from;
    final String to;
    final String target;
    final long startNs;
    long ringNs = NULL_TIME;
    long answerNs = NULL_TIME;
    long endNs = NULL_TIME;
    String cause;
    int status;

    /** Set by the last REFER received on the call, whatever became of it. */
    String transferor;
    String transferee;
    String referTo;
    String referredBy;

    /** The last transfer started on the call. */
    TransferOutcome transfer;

    /**
     * Media anchored: what each leg's party sent to the relay (all its m= lines), null for a leg with no endpoint.
     * Filled from the relay's figures after the call ended; {@link #mediaAwaited} counts the endpoints still to report.
     */
    MediaFigures callerMedia;
    MediaFigures calleeMedia;
    int mediaAwaited;
    /** Ended, waiting for media figures: written when they are in or when this (writer clock) time passes. */
    long writeByNs = NULL_TIME;

    /** The last REFER refused on the call, if any. */
    boolean refused;
    int refusedStatus;
    String refusedReason;

    CallRecord(
        final long callId,
        final long parentCallId,
        final String callerLegCallId,
        final String calleeLegCallId,
        final String from,
        final String to,
        final String target,
        final long startNs)
    {
        this.callId = callId;
        this.parentCallId = parentCallId;
        this.callerLegCallId = callerLegCallId;
        this.calleeLegCallId = calleeLegCallId;
        this.from = from;
        this.to = to;
        this.target = target;
        this.startNs = startNs;
    }

    boolean hasEnded()
    {
        return NULL_TIME != endNs;
    }

    /** A transfer started on the call and what became of it. */
    static final class TransferOutcome
    {
        static final String PENDING = "pending";
        static final String COMPLETED = "completed";
        static final String FAILED = "failed";
        /** The call ended before the transfer completed or failed. */
        static final String ABANDONED = "abandoned";

        final long transferId;
        final String kind;
        final String target;
        String outcome = PENDING;
        int status;
        String reason;
        long newCallId;

        TransferOutcome(final long transferId, final String kind, final String target)
        {
            this.transferId = transferId;
            this.kind = kind;
            this.target = target;
        }
    }
}
