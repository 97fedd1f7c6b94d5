package dev.referee.cdr;

import dev.referee.ring.MediaFigures;

/**
 * Encodes one leg of a {@link CallRecord} as one JSON line (format version {@link #VERSION}, documented in
 * {@code docs/call-records.md}). Members that only apply to transfers are left out when they do not apply.
 */
final class CdrJsonEncoder
{
    /** Format version, written as {@code "v"}; new members are optional and documented with the version. */
    static final int VERSION = 1;
    static final String CALLER = "caller";
    static final String CALLEE = "callee";
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final WallClockMapping clock;

    CdrJsonEncoder(final WallClockMapping clock)
    {
        this.clock = clock;
    }

    /** Appends the line for {@code leg} (CALLER or CALLEE), ending with a newline. */
    StringBuilder encode(final StringBuilder out, final CallRecord record, final String leg)
    {
        out.append('{');
        JsonText.name(out, "v").append(VERSION);
        JsonText.name(out, "callId").append(record.callId);
        JsonText.name(out, "leg");
        JsonText.string(out, leg);
        JsonText.name(out, "legCallId");
        JsonText.string(out, CALLER.equals(leg) ? record.callerLegCallId : record.calleeLegCallId);
        if (0 != record.parentCallId)
        {
            JsonText.name(out, "parentCallId").append(record.parentCallId);
        }
        JsonText.string(JsonText.name(out, "from"), record.from);
        JsonText.string(JsonText.name(out, "to"), record.to);
        JsonText.string(JsonText.name(out, "target"), record.target);
        time(out, "start", record.startNs);
        time(out, "ring", record.ringNs);
        time(out, "answer", record.answerNs);
        time(out, "end", record.endNs);
        durations(out, record);
        JsonText.string(JsonText.name(out, "cause"), record.hasEnded() ? record.cause : null);
        JsonText.name(out, "status").append(record.status);
        transfer(out, record);
        media(out, CALLER.equals(leg) ? record.callerMedia : record.calleeMedia);
        return out.append("}\n");
    }

    /** What the leg's party sent to the relay (media anchored); left out for a leg with no figures. */
    private void media(final StringBuilder out, final MediaFigures figures)
    {
        if (null == figures)
        {
            return;
        }
        JsonText.name(out, "media").append('{');
        JsonText.name(out, "packets").append(figures.packets);
        JsonText.name(out, "bytes").append(figures.bytes);
        JsonText.name(out, "rtcpPackets").append(figures.rtcpPackets);
        JsonText.name(out, "lost").append(figures.lost);
        JsonText.name(out, "jitter").append(figures.jitter);
        JsonText.name(out, "dropped").append(figures.dropped);
        time(out, "firstPacket", figures.firstPacketNs);
        time(out, "lastPacket", figures.lastPacketNs);
        out.append('}');
    }

    private void time(final StringBuilder out, final String name, final long engineNs)
    {
        JsonText.name(out, name);
        if (CallRecord.NULL_TIME == engineNs)
        {
            out.append("null");
        }
        else
        {
            clock.appendIso(out.append('"'), engineNs).append('"');
        }
    }

    /** From engine time differences, not wall-clock ones, so a clock step during the call does not skew them. */
    private static void durations(final StringBuilder out, final CallRecord record)
    {
        JsonText.name(out, "durationSec");
        if (record.hasEnded())
        {
            JsonText.seconds(out, (record.endNs - record.startNs) / NANOS_PER_MILLI);
        }
        else
        {
            out.append("null");
        }

        JsonText.name(out, "talkSec");
        if (!record.hasEnded())
        {
            out.append("null");
        }
        else if (CallRecord.NULL_TIME == record.answerNs)
        {
            out.append("0.000");
        }
        else
        {
            JsonText.seconds(out, (record.endNs - record.answerNs) / NANOS_PER_MILLI);
        }
    }

    private static void transfer(final StringBuilder out, final CallRecord record)
    {
        if (null != record.transferor)
        {
            JsonText.string(JsonText.name(out, "transferor"), record.transferor);
            JsonText.string(JsonText.name(out, "transferee"), record.transferee);
            JsonText.string(JsonText.name(out, "referTo"), record.referTo);
            JsonText.string(JsonText.name(out, "referredBy"), record.referredBy);
        }

        final CallRecord.TransferOutcome transfer = record.transfer;
        if (null != transfer)
        {
            JsonText.name(out, "transfer").append('{');
            JsonText.name(out, "id").append(transfer.transferId);
            JsonText.string(JsonText.name(out, "kind"), transfer.kind);
            JsonText.string(JsonText.name(out, "target"), transfer.target);
            JsonText.string(JsonText.name(out, "outcome"), transfer.outcome);
            if (CallRecord.TransferOutcome.FAILED.equals(transfer.outcome))
            {
                JsonText.name(out, "status").append(transfer.status);
                JsonText.string(JsonText.name(out, "reason"), transfer.reason);
            }
            if (CallRecord.TransferOutcome.COMPLETED.equals(transfer.outcome))
            {
                JsonText.name(out, "newCallId").append(transfer.newCallId);
            }
            out.append('}');
        }

        if (record.refused)
        {
            JsonText.name(out, "transferRefused").append('{');
            JsonText.name(out, "status").append(record.refusedStatus);
            JsonText.string(JsonText.name(out, "reason"), record.refusedReason);
            out.append('}');
        }
    }
}
