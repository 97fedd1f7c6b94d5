package dev.referee.ops.journal;

import dev.referee.config.ListenAddress;
import dev.referee.journal.JournalRecord;
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
import java.util.concurrent.Callable;

/** {@code referee journal pcap CALL -o FILE}: the call's messages as a capture file. */
@Command(name = "pcap", mixinStandardHelpOptions = true,
    description = "Write a call's messages as a pcap file (Ethernet, IPv4/IPv6, UDP/TCP) with their original " +
        "addresses and times, for Wireshark or tshark.")
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
        int packets = 0;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output)))
        {
            final PcapWriter pcap = new PcapWriter(file);
            for (final JournalRecord record : index.recordsOf(call))
            {
                final boolean tcp = Transport.isStream(record.transport); // TLS as its plaintext, over TCP
                final long wallNs = index.clock.wallClockNs(record.timeNs);
                if (record.type == RecordType.INPUT_SIP)
                {
                    pcap.write(wallNs, record.peer, record.local, tcp, record.message);
                    packets++;
                }
                else if (record.type == RecordType.OUTPUT_SIP)
                {
                    pcap.write(wallNs, refereeAddress(index, record), record.peer, tcp, record.message);
                    packets++;
                }
            }
        }
        spec.commandLine().getOut().println("wrote " + packets + " packets of call " + call.callId + " to " + output);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /**
     * Output records do not carry the local address: take the listener of the message's transport and address
     * family from node-start, else the local address of an input of that family.
     */
    private static InetSocketAddress refereeAddress(final JournalIndex index, final JournalRecord output)
    {
        final boolean v4 = output.peer.getAddress() instanceof Inet4Address;
        if (index.nodeStart != null)
        {
            for (final ListenAddress listen : index.nodeStart.config.listen())
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
