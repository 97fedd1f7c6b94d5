package dev.referee.benchmarks.latency;

import org.HdrHistogram.Histogram;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How long a SIP server holds a request: from the request reaching it to the request it sends on, read from a
 * capture of loopback (tcpdump -w, Ethernet or Linux cooked framing, UDP over IPv4), into HdrHistograms.
 * <p>
 * A B2BUA changes Call-ID, tags and Via, so the two sides of a call are paired by the Subject header, which the
 * benchmark caller makes unique per call and the server copies (benchmarks/sipp/uac-basic-call.xml): the first
 * INVITE in with a Subject and the first INVITE out with the same Subject give the INVITE's time and pair the two
 * Call-IDs; then the first BYE in on the caller's Call-ID and the first BYE out on the callee's give the BYE's.
 * Retransmissions count once (the first copy each way). Every request counts, whoever sent it, as long as it crosses
 * {@code server-port}.
 *
 * <pre>java -cp benchmarks.jar dev.referee.benchmarks.latency.SipHopLatency CAPTURE.pcap SERVER-PORT</pre>
 */
public final class SipHopLatency
{
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int LINKTYPE_LINUX_SLL = 113;
    private static final long HIGHEST_NS = 60_000_000_000L;

    private final int serverPort;
    private final Histogram invites = new Histogram(HIGHEST_NS, 3);
    private final Histogram byes = new Histogram(HIGHEST_NS, 3);
    private final Map<String, Long> inviteInBySubject = new HashMap<>();
    private final Map<String, String> callerCallIdBySubject = new HashMap<>();
    private final Map<String, String> callerCallIdByCalleeCallId = new HashMap<>();
    private final Map<String, Long> byeInByCallerCallId = new HashMap<>();
    private final Map<String, Boolean> byeOutSeen = new HashMap<>();
    private long unpaired;

    SipHopLatency(final int serverPort)
    {
        this.serverPort = serverPort;
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 2)
        {
            System.err.println("usage: SipHopLatency CAPTURE.pcap SERVER-PORT");
            System.exit(2);
        }
        final SipHopLatency latency = new SipHopLatency(Integer.parseInt(args[1]));
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])), 1 << 20))
        {
            latency.read(new DataInputStream(in));
        }
        latency.print();
    }

    void read(final DataInputStream in) throws IOException
    {
        final int magic = in.readInt();
        final boolean swapped;
        final boolean nanos;
        switch (magic)
        {
            case 0xa1b2c3d4 -> { swapped = false; nanos = false; }
            case 0xd4c3b2a1 -> { swapped = true; nanos = false; }
            case 0xa1b23c4d -> { swapped = false; nanos = true; }
            case 0x4d3cb2a1 -> { swapped = true; nanos = true; }
            default -> throw new IOException("not a pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        in.skipNBytes(16); // version, zone, sigfigs, snaplen
        final int linkType = int32(in, swapped);
        final int linkHeader = switch (linkType)
        {
            case LINKTYPE_ETHERNET -> 14;
            case LINKTYPE_LINUX_SLL -> 16;
            default -> throw new IOException("link type " + linkType + ": capture on lo (Ethernet) or any (cooked)");
        };
        while (true)
        {
            final long seconds;
            try
            {
                seconds = int32(in, swapped) & 0xffffffffL;
            }
            catch (final EOFException end)
            {
                return;
            }
            final long fraction = int32(in, swapped) & 0xffffffffL;
            final int captured = int32(in, swapped);
            in.skipNBytes(4); // original length
            final byte[] frame = in.readNBytes(captured);
            final long atNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1_000L);
            packet(frame, linkHeader, atNs);
        }
    }

    private void packet(final byte[] frame, final int linkHeader, final long atNs)
    {
        final int ip = linkHeader;
        if (frame.length < ip + 28 || (frame[ip] & 0xf0) != 0x40 || frame[ip + 9] != 17)
        {
            return; // IPv4 UDP only
        }
        final int udp = ip + (frame[ip] & 0x0f) * 4;
        final int sourcePort = u16(frame, udp);
        final int destinationPort = u16(frame, udp + 2);
        final String message = new String(frame, udp + 8, frame.length - udp - 8, StandardCharsets.ISO_8859_1);
        if (message.startsWith("SIP/2.0") || message.length() < 8)
        {
            return; // responses are not timed here
        }
        if (destinationPort == serverPort)
        {
            inbound(message, atNs);
        }
        else if (sourcePort == serverPort)
        {
            outbound(message, atNs);
        }
    }

    private void inbound(final String request, final long atNs)
    {
        final String callId = header(request, "call-id", "i");
        if (request.startsWith("INVITE ") && !header(request, "to", "t").toLowerCase(Locale.ROOT).contains("tag="))
        {
            final String subject = header(request, "subject", "s");
            if (!subject.isEmpty() && !inviteInBySubject.containsKey(subject))
            {
                inviteInBySubject.put(subject, atNs);
                callerCallIdBySubject.put(subject, callId);
            }
        }
        else if (request.startsWith("BYE "))
        {
            byeInByCallerCallId.putIfAbsent(callId, atNs);
        }
    }

    private void outbound(final String request, final long atNs)
    {
        final String callId = header(request, "call-id", "i");
        if (request.startsWith("INVITE ") && !header(request, "to", "t").toLowerCase(Locale.ROOT).contains("tag="))
        {
            final String subject = header(request, "subject", "s");
            final Long inNs = inviteInBySubject.get(subject);
            if (inNs == null)
            {
                unpaired++;
            }
            else if (!callerCallIdByCalleeCallId.containsKey(callId))
            {
                callerCallIdByCalleeCallId.put(callId, callerCallIdBySubject.get(subject));
                invites.recordValue(Math.max(0, atNs - inNs));
            }
        }
        else if (request.startsWith("BYE ") && byeOutSeen.putIfAbsent(callId, Boolean.TRUE) == null)
        {
            final String callerCallId = callerCallIdByCalleeCallId.get(callId);
            final Long inNs = callerCallId == null ? null : byeInByCallerCallId.get(callerCallId);
            if (inNs == null)
            {
                unpaired++;
            }
            else
            {
                byes.recordValue(Math.max(0, atNs - inNs));
            }
        }
    }

    Histogram invites()
    {
        return invites;
    }

    Histogram byes()
    {
        return byes;
    }

    long unpaired()
    {
        return unpaired;
    }

    void print()
    {
        line("INVITE", invites);
        line("BYE", byes);
        final Histogram both = invites.copy();
        both.add(byes);
        line("both", both);
        System.out.println("unpaired " + unpaired);
    }

    private static void line(final String what, final Histogram histogram)
    {
        System.out.printf(Locale.ROOT, "%s count %d p50_us %.1f p90_us %.1f p99_us %.1f p999_us %.1f max_us %.1f%n",
            what, histogram.getTotalCount(), us(histogram, 50), us(histogram, 90), us(histogram, 99),
            us(histogram, 99.9), histogram.getMaxValue() / 1_000.0);
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** A header's value, by full or compact name, trimmed; empty when absent. */
    static String header(final String message, final String name, final String compact)
    {
        int lineStart = message.indexOf("\r\n") + 2;
        while (lineStart > 1 && lineStart < message.length())
        {
            final int lineEnd = message.indexOf("\r\n", lineStart);
            if (lineEnd <= lineStart)
            {
                return ""; // the blank line: end of headers
            }
            final int colon = message.indexOf(':', lineStart);
            if (colon > lineStart && colon < lineEnd)
            {
                final String field = message.substring(lineStart, colon).trim();
                if (field.equalsIgnoreCase(name) || field.equalsIgnoreCase(compact))
                {
                    return message.substring(colon + 1, lineEnd).trim();
                }
            }
            lineStart = lineEnd + 2;
        }
        return "";
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
    }

    private static int int32(final DataInputStream in, final boolean swapped) throws IOException
    {
        final int value = in.readInt();
        return swapped ? Integer.reverseBytes(value) : value;
    }
}
