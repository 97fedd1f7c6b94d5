package dev.referee.ops.journal;

import dev.referee.config.ListenAddress;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalReader;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.JournalVerifier;
import dev.referee.journal.RecordType;
import dev.referee.ops.cli.ExitCodes;
import dev.referee.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code referee journal pcap CALL -o FILE}: the call's messages as a capture file. */
@Command(name = "pcap", mixinStandardHelpOptions = true,
    description = "Write a call's messages as a pcap file (Ethernet, IPv4/IPv6, UDP/TCP) with their original " +
        "addresses and times, for Wireshark or tshark. Messages recorded as digests (journal.outputs: digest) are " +
        "rebuilt by replaying the journal and checked against their digests; exit 1 when one cannot be.")
final class PcapCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    JournalDirOption journal;

    @Parameters(paramLabel = "CALL", description = "A leg's Call-ID or Referee's call id.")
    String callName;

    @Option(names = { "-o", "--output" }, required = true, paramLabel = "FILE", description = "The pcap to write.")
    Path output;

    @Override
    public Integer call() throws Exception
    {
        final JournalIndex index = JournalIndex.load(journal.dir);
        final CallView call = index.find(callName);
        if (call == null)
        {
            spec.commandLine().getErr().println("referee: no call " + callName + " in " + journal.dir);
            return ExitCodes.FAILURE;
        }
        final List<JournalRecord> records = index.recordsOf(call);
        final String notRebuilt = rebuildDigests(index, records);
        int packets = 0;
        int missing = 0;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output)))
        {
            final PcapWriter pcap = new PcapWriter(file);
            for (final JournalRecord record : records)
            {
                final boolean tcp = Transport.isStream(record.transport); // TLS as its plaintext, over TCP
                final long wallNs = index.clock.wallClockNs(record.timeNs);
                if (record.type == RecordType.INPUT_SIP)
                {
                    pcap.write(wallNs, record.peer, record.local, tcp, record.message);
                    packets++;
                }
                else if (record.isOutput() && record.message != null)
                {
                    pcap.write(wallNs, refereeAddress(index, record), record.peer, tcp, record.message);
                    packets++;
                }
                else if (record.isOutput())
                {
                    missing++;
                }
            }
        }
        spec.commandLine().getOut().println("wrote " + packets + " packets of call " + call.callId + " to " + output);
        spec.commandLine().getOut().flush();
        if (missing > 0)
        {
            spec.commandLine().getErr().println("referee: " + missing + " message(s) Referee sent are recorded as " +
                "digests and could not be rebuilt (" + notRebuilt + "); the pcap lacks them");
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    /**
     * Output-digest records keep no bytes (journal.outputs: digest): replays the journal to rebuild the messages of
     * those among {@code records}, each checked against its digest. Returns why some could not be (null when all
     * were, or none was needed).
     */
    private String rebuildDigests(final JournalIndex index, final List<JournalRecord> records) throws Exception
    {
        final Map<Long, JournalRecord> digests = new HashMap<>();
        for (final JournalRecord record : records)
        {
            if (record.type == RecordType.OUTPUT_DIGEST && record.message == null)
            {
                digests.put(record.index, record);
            }
        }
        if (digests.isEmpty())
        {
            return null;
        }
        final long from = snapshotBefore(index, records);
        final JournalVerifier.Result result;
        try (Journal opened = Journal.openReadOnly(journal.dir);
            JournalReader reader = from < 0 ? opened.newReader() : opened.newReaderAt(from))
        {
            result = JournalVerifier.verify(reader, (replayed, matched) ->
            {
                final JournalRecord wanted = digests.get(replayed.index);
                if (wanted != null && matched && replayed.type == RecordType.OUTPUT_DIGEST)
                {
                    wanted.message = replayed.message;
                }
            });
        }
        return result.ok() ? "the replay did not reach them" : "the replay diverged: " + result.divergence();
    }

    /**
     * Where the replay that rebuilds a call's messages starts: at the latest complete snapshot before the call's first
     * record (its configuration record's index), so that it replays minutes, not the journal since node-start; -1
     * when there is none (from the start: node-start, or the first snapshot of a journal retention cut).
     */
    private static long snapshotBefore(final JournalIndex index, final List<JournalRecord> records)
    {
        long callStart = Long.MAX_VALUE;
        for (final JournalRecord record : records)
        {
            callStart = Math.min(callStart, record.index);
        }
        long found = -1;
        JournalRecord config = null;
        for (final JournalRecord record : index.records)
        {
            if (record.index >= callStart)
            {
                break;
            }
            if (record.type == RecordType.CONFIG && record.configPurpose == RecordType.CONFIG_IN_FORCE)
            {
                config = record;
            }
            else if (record.type == RecordType.SNAPSHOT && config != null && record.timeNs == config.timeNs &&
                record.snapshotPart == record.snapshotParts - 1)
            {
                found = config.index;
            }
        }
        return found;
    }

    /**
     * Output records do not carry the local address: take the listener of the message's transport and address
     * family from node-start (or the first configuration record, when retention deleted node-start), else the local
     * address of an input of that family.
     */
    private static InetSocketAddress refereeAddress(final JournalIndex index, final JournalRecord output)
    {
        final boolean v4 = output.peer.getAddress() instanceof Inet4Address;
        if (index.config != null)
        {
            for (final ListenAddress listen : index.config.listen())
            {
                if (listen.transport() == output.transport &&
                    (listen.address().getAddress() instanceof Inet4Address) == v4 &&
                    !listen.address().getAddress().isAnyLocalAddress() && listen.address().getPort() != 0)
                {
                    return listen.address();
                }
            }
        }
        for (final JournalRecord record : index.records)
        {
            if (record.type == RecordType.INPUT_SIP && record.local != null &&
                (record.local.getAddress() instanceof Inet4Address) == v4)
            {
                return record.local;
            }
        }
        return new InetSocketAddress(v4 ? "0.0.0.0" : "::", 5060);
    }
}
