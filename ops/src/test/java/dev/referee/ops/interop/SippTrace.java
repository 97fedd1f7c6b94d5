package dev.referee.ops.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages of a SIPp run's {@code -trace_msg} file, each as it crossed SIPp's socket: blocks that start with a
 * dashed line and a time, then "UDP message sent (N bytes):" or "UDP message received [N] bytes :", a blank line
 * and the message.
 */
final class SippTrace
{
    private static final Pattern CALL_ID = Pattern.compile("(?m)^Call-ID:\\s*(\\S+)");
    private static final Pattern FROM_TAG = Pattern.compile("(?m)^From:.*;tag=([^;>\\s]+)");
    private static final Pattern TO_TAG = Pattern.compile("(?m)^To:.*;tag=([^;>\\s]+)");

    private SippTrace()
    {
    }

    /** A callee's early dialog as the callee has it: what an INVITE with Replaces names to pick its call up. */
    record RingingDialog(String callId, String fromTag, String toTag)
    {
    }

    /**
     * The early dialog of a callee run with {@code -trace_msg} ({@code messageFile}) once it has sent its 180:
     * Referee's INVITE (Call-ID, From tag) is above it in the trace, the 180 gives the To tag.
     */
    static RingingDialog awaitRinging(final Path messageFile)
    {
        final String[] trace = {""};
        final boolean ringing = Ports.await(() ->
        {
            trace[0] = SippRun.read(messageFile);
            return trace[0].contains("INVITE sip:") && trace[0].contains("SIP/2.0 180");
        }, Duration.ofSeconds(10));
        if (!ringing)
        {
            throw new AssertionError("the callee did not ring within 10 s; its trace " + messageFile + ":\n" + trace[0]);
        }
        final String invite = trace[0].substring(trace[0].indexOf("INVITE sip:"));
        final String provisional = trace[0].substring(trace[0].indexOf("SIP/2.0 180"));
        return new RingingDialog(group(CALL_ID, invite), group(FROM_TAG, invite), group(TO_TAG, provisional));
    }

    private static String group(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        if (!matcher.find())
        {
            throw new AssertionError("no " + pattern + " in:\n" + text);
        }
        return matcher.group(1);
    }

    /**
     * @param self  SIPp's address, {@code ip:port}.
     * @param peer  the one address SIPp talks to (Referee), {@code ip:port}.
     */
    static List<SngrepCollector.WireMessage> read(final Path file, final String self, final String peer)
    {
        final List<SngrepCollector.WireMessage> messages = new ArrayList<>();
        final String[] blocks = SippRun.read(file).split("(?m)^-{10,} .*$");
        for (final String block : blocks)
        {
            final String trimmed = block.strip();
            if (trimmed.isEmpty())
            {
                continue;
            }
            final String[] lines = trimmed.split("\r?\n");
            final boolean sent = lines[0].contains("message sent");
            if (!sent && !lines[0].contains("message received"))
            {
                continue;
            }
            int i = 1;
            while (i < lines.length && lines[i].isBlank())
            {
                i++;
            }
            final String startLine = lines[i];
            final String start = startLine.startsWith("SIP/2.0 ") ? startLine.substring(8, 11) :
                startLine.substring(0, startLine.indexOf(' '));
            messages.add(new SngrepCollector.WireMessage(sent ? self : peer, sent ? peer : self,
                header(lines, i, "Call-ID", "i"), header(lines, i, "CSeq", null), start));
        }
        return messages;
    }

    private static String header(final String[] lines, final int from, final String name, final String compact)
    {
        for (int i = from + 1; i < lines.length && !lines[i].isBlank(); i++)
        {
            final int colon = lines[i].indexOf(':');
            if (colon > 0)
            {
                final String header = lines[i].substring(0, colon).strip();
                if (header.equalsIgnoreCase(name) || header.equalsIgnoreCase(compact == null ? name : compact))
                {
                    return lines[i].substring(colon + 1).strip();
                }
            }
        }
        return "";
    }
}
