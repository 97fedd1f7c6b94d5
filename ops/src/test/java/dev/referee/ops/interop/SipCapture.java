package dev.referee.ops.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The SIP messages of a pcap that {@link SngrepCollector} wrote (each message Referee received from or sent to a
 * phone, with the phone's address and port and the time Referee saw it), as tshark dissects them, with the few
 * fields the phone tests check: who sent what to whom, the CSeq, Refer-To, the sipfrag of a NOTIFY and the audio port
 * of an SDP body (where its sender wants the media: passed on unchanged, as Referee has no media relay yet, it shows
 * which phone's media a re-INVITE or an ACK points the other phone at).
 */
final class SipCapture
{
    private static final String[] FIELDS = {"frame.time_epoch", "ip.src", "udp.srcport", "ip.dst", "udp.dstport",
        "sip.Call-ID", "sip.CSeq.seq", "sip.CSeq.method", "sip.Method", "sip.Status-Code", "sip.Refer-To",
        "sipfrag.line", "sdp.media.port", "sip.Via.transport", "sip.Via.sent-by.address", "sip.Via.sent-by.port"};

    /**
     * One message: {@code method} for a request, {@code status} (and {@code cseqMethod}) for a response;
     * {@code sipfrag} is the first line of a NOTIFY's message/sipfrag body; {@code epochMicros} when Referee
     * received or sent it; {@code mediaPort} the port of the SDP's first m= line, 0 without SDP; {@code viaTransport}
     * and {@code viaSentBy} (host:port) those of the top Via, written by the request's sender. sngrep writes every
     * message as UDP whatever the transport HEP named: over TCP or TLS the Via and the ports tell the transport.
     */
    record Message(long epochMicros, String from, String to, String callId, long cseq, String cseqMethod,
        String method, int status, String referTo, String sipfrag, int mediaPort, String viaTransport,
        String viaSentBy)
    {
        boolean sdp()
        {
            return mediaPort > 0;
        }

        boolean isRequest(final String requestMethod)
        {
            return requestMethod.equals(method);
        }

        boolean isResponse(final String toMethod, final int code)
        {
            return method.isEmpty() && status == code && toMethod.equals(cseqMethod);
        }

        /**
         * Whether the user agent whose Via names {@code sentBy} sent this message: its own request, or a response to
         * a request someone else sent it.
         */
        boolean sentBy(final String sentBy)
        {
            return method.isEmpty() != viaSentBy.equals(sentBy);
        }

        @Override
        public String toString()
        {
            return from + " -> " + to + " " + (method.isEmpty() ? Integer.toString(status) : method) + " (" + cseq +
                " " + cseqMethod + ") " + callId + (referTo.isEmpty() ? "" : " Refer-To " + referTo) +
                (sipfrag.isEmpty() ? "" : " [" + sipfrag + "]") + (sdp() ? " sdp audio port " + mediaPort : "") +
                " Via " + viaTransport + " " + viaSentBy;
        }
    }

    private final List<Message> messages;

    private SipCapture(final List<Message> messages)
    {
        this.messages = List.copyOf(messages);
    }

    /** Reads the pcap with tshark (SIP over UDP found heuristically, as sngrep writes it). */
    static SipCapture read(final Path pcap)
    {
        final List<String> command = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "--enable-heuristic",
            "sip_udp", "-Y", "sip", "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (final String field : FIELDS)
        {
            command.add("-e");
            command.add(field);
        }
        try
        {
            final Process tshark = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final String out = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!tshark.waitFor(60, TimeUnit.SECONDS) || tshark.exitValue() != 0)
            {
                throw new AssertionError(String.join(" ", command) + " failed: " + out);
            }
            final List<Message> messages = new ArrayList<>();
            for (final String line : out.split("\n"))
            {
                if (!line.isBlank())
                {
                    messages.add(parse(line));
                }
            }
            return new SipCapture(messages);
        }
        catch (final IOException ex)
        {
            throw new AssertionError("cannot run tshark (Debian package tshark): " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /**
     * Runs {@code checks} on the messages of {@code pcap} from {@code sinceEpochMillis} on, again on a fresh read each
     * time the pcap grows: sngrep writes each message as HEP brings it, a moment after the phones saw it. Checks that
     * still fail once {@code within} has passed fail with that capture in their message.
     */
    static void assertEventually(final Path pcap, final long sinceEpochMillis, final Duration within,
        final Consumer<SipCapture> checks)
    {
        final long deadlineNs = System.nanoTime() + within.toNanos();
        while (true)
        {
            final long size = size(pcap);
            final SipCapture capture = read(pcap).since(sinceEpochMillis);
            try
            {
                checks.accept(capture);
                return;
            }
            catch (final AssertionError ex)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new AssertionError(ex.getMessage() + "\ncapture of this test:\n" + capture, ex);
                }
            }
            Ports.await(() -> size(pcap) > size, Duration.ofSeconds(1));
        }
    }

    private static long size(final Path pcap)
    {
        try
        {
            return Files.size(pcap);
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    private static Message parse(final String line)
    {
        final String[] f = line.split("\\|", -1);
        final long epochMicros = Math.round(Double.parseDouble(f[0]) * 1_000_000);
        return new Message(epochMicros, f[1] + ":" + f[2], f[3] + ":" + f[4], f[5],
            f[6].isEmpty() ? -1 : Long.parseLong(f[6]), f[7], f[8], f[9].isEmpty() ? 0 : Integer.parseInt(f[9]),
            f[10], f[11], f[12].isEmpty() ? 0 : Integer.parseInt(f[12]), f[13],
            f[15].isEmpty() ? f[14] : f[14] + ":" + f[15]);
    }

    /** The messages Referee handled from this time on (the test's own, in a capture shared by a test class). */
    SipCapture since(final long epochMillis)
    {
        return new SipCapture(messages.stream().filter(m -> m.epochMicros() >= epochMillis * 1000).toList());
    }

    /** The messages of one dialog (one leg of a call through Referee, a B2BUA), in capture order. */
    List<Message> callId(final String callId)
    {
        return matching(m -> m.callId().equals(callId));
    }

    /** The messages one address sent to another, in capture order. */
    List<Message> between(final String from, final String to)
    {
        return matching(m -> m.from().equals(from) && m.to().equals(to));
    }

    List<Message> matching(final Predicate<Message> condition)
    {
        return messages.stream().filter(condition).toList();
    }

    List<Message> all()
    {
        return messages;
    }

    @Override
    public String toString()
    {
        return messages.stream().map(Message::toString).collect(Collectors.joining("\n", "", "\n"));
    }
}
