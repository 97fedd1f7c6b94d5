package dev.referee.ops.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages of a SIPp run's {@code -trace_msg} file, each as it crossed SIPp's socket: blocks that start with a
 * dashed line and a time, then "UDP message sent (N bytes):" or "UDP message received [N] bytes :", a blank line
 * and the message.
 */
final class SippTrace
{
    private SippTrace()
    {
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
