package dev.referee.journal;

import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;

/** One line per record, the same for every tool (tail, show, replay's divergence report). */
public final class JournalFormatter
{
    private JournalFormatter()
    {
    }

    public static String describe(final JournalRecord r)
    {
        final String head = r.typeName() + " t=" + r.timeNs;
        return switch (r.type)
        {
            case RecordType.NODE_START -> head + " version=" + r.formatVersion + identifiers(r) +
                " wallClockMs=" + r.wallClockMs + " listen=" + r.config.listen().size() + " routes=" +
                r.config.routes().size();
            case RecordType.INPUT_SIP -> head + " " + transport(r) + " from " + hostPort(r.peer) + " to " +
                hostPort(r.local) + connection(r) + " len=" + r.message.length + " | " + r.firstLine();
            case RecordType.INPUT_TICK -> head;
            case RecordType.INPUT_MEDIA_IDLE -> head + " endpoint " + r.mediaEndpoint + " silent";
            case RecordType.INPUT_MEDIA_OPEN_FAILED -> head + " endpoint " + r.mediaEndpoint + " port " + r.mediaPort +
                " not opened (" + (r.mediaFailure == 0 ? "bind failed" : "reason " + r.mediaFailure) + ")";
            case RecordType.INPUT_MEDIA_STATS -> head + " endpoint " + r.mediaEndpoint + " closed: " + r.mediaFigures;
            case RecordType.INPUT_TRANSPORT_FAILURE -> head + " " + transport(r) + " to " + hostPort(r.peer) +
                connection(r) + " failed";
            case RecordType.CONFIG -> head + (r.configPurpose == RecordType.CONFIG_RELOAD ? " reload" : " in force") +
                ": routes=" + r.config.routes().size() + " trunks=" + r.config.trunks().size() + " max-calls=" +
                r.config.maxCalls();
            case RecordType.INPUT_WEBHOOK -> head + " webhook answer to request " + r.webhookRequestId + ": " +
                (r.webhookAccept ? "accept" : "reject") + (r.message.length > 0 ? " target " + r.messageText() : "");
            case RecordType.OUTPUT_SIP -> head + " " + transport(r) + " to " + hostPort(r.peer) + connection(r) +
                " len=" + r.message.length + " | " + r.firstLine();
            case RecordType.OUTPUT_DIGEST -> head + " " + transport(r) + " to " + hostPort(r.peer) + connection(r) +
                " len=" + r.messageLength + " hash=" + Long.toHexString(r.messageHash) + " | " + r.firstLine();
            case RecordType.RECOVERED -> head + " wallClockMs=" + r.wallClockMs + " inputsReplayed=" +
                r.inputsReplayed + " recoveryMs=" + r.recoveryNs / 1_000_000;
            case RecordType.SNAPSHOT -> head + " engine snapshot part " + (r.snapshotPart + 1) + "/" +
                r.snapshotParts + " (" + r.message.length + " of " + r.snapshotLength + " bytes)";
            case RecordType.UNKNOWN -> "unknown record (" + (r.raw == null ? 0 : r.raw.length) + " bytes)";
            default -> head + " call=" + r.callId + " " + eventDetail(r);
        };
    }

    /** How the journal's identifiers are made; never the key itself (a printed line may end up anywhere). */
    private static String identifiers(final JournalRecord r)
    {
        return r.config.idKey() != null ? " ids=keyed" : " seed=" + r.config.seed();
    }

    /** The fields of a domain event after its call id, in words. */
    public static String eventDetail(final JournalRecord r)
    {
        return switch (r.type)
        {
            case RecordType.CALL_CREATED -> "from " + r.text(2) + " to " + r.text(3) + " target " + r.text(4) +
                " legs " + r.text(0) + " / " + r.text(1) + (r.parentCallId != 0 ? " parent " + r.parentCallId : "");
            case RecordType.LEG_RINGING -> "callee ringing " + r.status;
            case RecordType.LEG_ANSWERED -> "callee answered";
            case RecordType.REFER_RECEIVED -> "REFER from " + r.text(0) + " (transferee " + r.text(1) + ") to " +
                r.text(2) + (r.text(3) != null ? " referred-by " + r.text(3) : "");
            case RecordType.TRANSFER_REFUSED -> "transfer refused with " + r.status + ": " + r.text(0);
            case RecordType.TRANSFER_STARTED -> "transfer " + r.transferId + " started (" + r.text(0) + ") to " +
                r.text(1);
            case RecordType.TRANSFER_TARGET_RINGING -> "transfer " + r.transferId + " target ringing " + r.status;
            case RecordType.TRANSFER_COMPLETED -> "transfer " + r.transferId + " completed, call " + r.newCallId +
                " goes on";
            case RecordType.TRANSFER_FAILED -> "transfer " + r.transferId + " FAILED: target answered " + r.status +
                " (" + r.text(0) + ")";
            case RecordType.CALL_ENDED -> "call ended: " + r.text(0) + (r.status != 0 ? " (" + r.status + ")" : "");
            case RecordType.LEG_ADDED -> r.text(1) + " leg " + r.text(0) + " added";
            default -> "";
        };
    }

    public static String hostPort(final InetSocketAddress address)
    {
        return address == null ? "-" : Addresses.hostPort(address);
    }

    private static String transport(final JournalRecord r)
    {
        return Transport.viaName(r.transport);
    }

    private static String connection(final JournalRecord r)
    {
        return r.connectionId != 0 ? " conn=" + r.connectionId : "";
    }
}
