package dev.referee.ops.journal;

import dev.referee.engine.config.EngineConfig;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;
import dev.referee.sip.SipMessage;
import dev.referee.sip.SipStatus;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole journal read into memory (read-only: works on a copy and on a journal being written) and indexed by
 * call: Referee's call ids and the leg Call-IDs come from the call-created events; each SIP record belongs to the
 * call whose leg its Call-ID header names.
 */
final class JournalIndex
{
    final List<JournalRecord> records = new ArrayList<>();
    final Map<Long, CallView> calls = new LinkedHashMap<>();
    final Map<String, CallView> callByLeg = new HashMap<>();
    final WallClock clock = new WallClock();
    /** Node-start's configuration, or that of the first configuration record when retention deleted node-start. */
    EngineConfig config;
    /** What each leg beyond a call's caller and callee was for ("target", "recall"...), by its Call-ID. */
    final Map<String, String> legRoles = new HashMap<>();
    /** Transfers started, by call and transfer id: their kind and target name the failures. */
    private final Map<String, JournalRecord> transfersStarted = new HashMap<>();
    /** The Refer-To of each call's latest REFER, which a refusal names. */
    private final Map<Long, String> lastReferTo = new HashMap<>();
    private final Map<JournalRecord, String> callIdCache = new IdentityHashMap<>();
    private final SipMessage message = new SipMessage();

    static JournalIndex load(final Path dir) throws IOException
    {
        final JournalIndex index = new JournalIndex();
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final Progress progress = Progress.onTerminal("reading " + dir);
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                index.add(record);
                progress.step();
            }
            progress.done();
        }
        index.assignParties();
        return index;
    }

    private void add(final JournalRecord record)
    {
        records.add(record);
        clock.observe(record);
        if ((record.type == RecordType.NODE_START || record.type == RecordType.CONFIG) && config == null)
        {
            config = record.config;
        }
        if (!record.isEvent())
        {
            return;
        }
        if (record.type == RecordType.CALL_CREATED)
        {
            final CallView call = new CallView(record);
            calls.put(call.callId, call);
            // A call made by a transfer shares a leg with the call it came from: that leg stays with the older call.
            callByLeg.putIfAbsent(call.callerLeg(), call);
            callByLeg.putIfAbsent(call.calleeLeg(), call);
            final CallView parent = calls.get(record.parentCallId);
            if (parent != null)
            {
                parent.children.add(call);
            }
        }
        final CallView call = calls.get(record.callId);
        if (call == null)
        {
            return;
        }
        call.events.add(record);
        final CallView root = root(call);
        if (root != call)
        {
            root.events.add(record);
        }
        switch (record.type)
        {
            case RecordType.REFER_RECEIVED -> lastReferTo.put(record.callId, record.text(2));
            case RecordType.TRANSFER_STARTED ->
            {
                root.transfers++;
                transfersStarted.put(record.callId + "/" + record.transferId, record);
            }
            case RecordType.TRANSFER_FAILED -> root.failedTransfers.add(failure(record));
            case RecordType.TRANSFER_REFUSED -> root.failedTransfers.add("transfer to " +
                lastReferTo.getOrDefault(record.callId, "?") + " refused: " + statusLine(record.status) + " (" +
                record.text(0) + ")");
            case RecordType.LEG_ADDED -> addLeg(call, record.text(0), record.text(1));
            case RecordType.CALL_ENDED -> call.outcome = record.text(0) +
                (record.status != 0 ? " " + record.status : "");
            default ->
            {
            }
        }
    }

    /** "transfer 1 blind to sip:carol@... failed: 486 Busy Here (the engine's reason)". */
    private String failure(final JournalRecord failed)
    {
        final JournalRecord started = transfersStarted.get(failed.callId + "/" + failed.transferId);
        return "transfer " + failed.transferId +
            (started == null ? "" : " " + started.text(0) + " to " + started.text(1)) +
            " failed: " + statusLine(failed.status) + " (" + failed.text(0) + ")";
    }

    static String statusLine(final int status)
    {
        final String phrase = SipStatus.reasonPhrase(status);
        return phrase == null || phrase.isEmpty() ? String.valueOf(status) : status + " " + phrase;
    }

    /**
     * A leg the call got beyond its caller and callee (journals of node-start version 4 on). A leg of another call
     * (the consultation an attended transfer joins) brings that call along: it is shown as part of this one.
     */
    private void addLeg(final CallView call, final String legCallId, final String role)
    {
        legRoles.put(legCallId, role);
        final CallView owner = callByLeg.get(legCallId);
        final CallView root = root(call);
        if (owner == null)
        {
            call.legCallIds.add(legCallId);
            callByLeg.put(legCallId, call);
        }
        else if (root(owner) != root)
        {
            final CallView joined = root(owner);
            joined.joinedInto = root;
            root.children.add(joined);
        }
    }

    private CallView root(final CallView call)
    {
        CallView current = call;
        while (true)
        {
            if (current.created.parentCallId != 0 && calls.containsKey(current.created.parentCallId))
            {
                current = calls.get(current.created.parentCallId);
            }
            else if (current.joinedInto != null)
            {
                current = current.joinedInto;
            }
            else
            {
                return current;
            }
        }
    }

    /** Caller, callee and transfer targets of every call, from the addresses its legs' messages used. */
    private void assignParties()
    {
        for (final JournalRecord record : records)
        {
            final String legCallId = sipCallId(record);
            final CallView call = legCallId == null ? null : callByLeg.get(legCallId);
            if (call == null)
            {
                continue;
            }
            final CallView root = root(call);
            if (legCallId.equals(root.callerLeg()))
            {
                root.caller = root.caller == null ? record.peer : root.caller;
            }
            else if (legCallId.equals(root.calleeLeg()))
            {
                root.callee = root.callee == null ? record.peer : root.callee;
            }
            else if (!record.peer.equals(root.caller) && !record.peer.equals(root.callee))
            {
                // A transfer target, a picker, the far end of a joined consultation: a column of its own.
                root.targets.add(record.peer);
            }
        }
    }

    /** The call named by a leg Call-ID or by Referee's call id; null when the journal has no such call. */
    CallView find(final String name)
    {
        final CallView byLeg = callByLeg.get(name);
        if (byLeg != null)
        {
            return root(byLeg);
        }
        try
        {
            final CallView byId = calls.get(Long.parseLong(name.trim()));
            return byId == null ? null : root(byId);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /** The call's records in journal order: SIP messages of its legs and its (and its children's) events. */
    List<JournalRecord> recordsOf(final CallView call)
    {
        final java.util.Set<String> legs = call.allLegs();
        final java.util.Set<Long> ids = new java.util.HashSet<>();
        collectIds(call, ids);
        final List<JournalRecord> mine = new ArrayList<>();
        for (final JournalRecord record : records)
        {
            if (record.isEvent() ? ids.contains(record.callId) : legs.contains(sipCallId(record)))
            {
                mine.add(record);
            }
        }
        return mine;
    }

    private static void collectIds(final CallView call, final java.util.Set<Long> ids)
    {
        ids.add(call.callId);
        for (final CallView child : call.children)
        {
            collectIds(child, ids);
        }
    }

    /** The Call-ID header of a SIP record; null for other records and unparsable messages. */
    String sipCallId(final JournalRecord record)
    {
        if (record.type == RecordType.OUTPUT_DIGEST)
        {
            return record.sipCallId;
        }
        if (record.message == null)
        {
            return null;
        }
        return callIdCache.computeIfAbsent(record, r ->
        {
            try
            {
                if (message.parse(new UnsafeBuffer(r.message), 0, r.message.length) && message.callId() != null)
                {
                    return message.callId().toString();
                }
            }
            catch (final RuntimeException ex)
            {
                // Unparsable: belongs to no call.
            }
            return "";
        });
    }

    /** Top-level calls (not those a transfer made), in creation order. */
    List<CallView> rootCalls()
    {
        final List<CallView> roots = new ArrayList<>();
        for (final CallView call : calls.values())
        {
            if (root(call) == call)
            {
                roots.add(call);
            }
        }
        return roots;
    }
}
