package dev.referee.ops.journal;

import dev.referee.journal.JournalFormatter;
import dev.referee.journal.JournalRecord;
import dev.referee.journal.RecordType;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parties of a call as columns (caller, Referee, callee, targets) and its messages as arrows between them. */
final class Ladder
{
    static final int REFEREE = -1;

    /** One arrow: from column, to column, engine time, label. */
    record Arrow(int from, int to, long timeNs, String label)
    {
    }

    final List<String> parties = new ArrayList<>();
    final List<Arrow> arrows = new ArrayList<>();
    final List<long[]> eventTimes = new ArrayList<>();
    final List<String> eventLabels = new ArrayList<>();
    final int refereeColumn;
    private final Map<InetSocketAddress, Integer> columns = new LinkedHashMap<>();

    Ladder(final CallView call, final List<JournalRecord> records)
    {
        if (call.caller != null)
        {
            column(call.caller, "caller");
        }
        refereeColumn = parties.size();
        parties.add("Referee");
        if (call.callee != null)
        {
            column(call.callee, "callee");
        }
        int target = 1;
        for (final InetSocketAddress address : call.targets)
        {
            column(address, "target " + target++);
        }
        for (final JournalRecord record : records)
        {
            if (record.type == RecordType.INPUT_SIP)
            {
                arrows.add(new Arrow(column(record.peer, "peer"), refereeColumn, record.timeNs, record.firstLine()));
            }
            else if (record.isOutput())
            {
                arrows.add(new Arrow(refereeColumn, column(record.peer, "peer"), record.timeNs, record.firstLine()));
            }
            else if (record.isEvent())
            {
                eventTimes.add(new long[]{ record.timeNs });
                eventLabels.add(JournalFormatter.eventDetail(record));
            }
        }
    }

    private int column(final InetSocketAddress address, final String role)
    {
        final Integer existing = columns.get(address);
        if (existing != null)
        {
            return existing;
        }
        final int index = parties.size();
        columns.put(address, index);
        parties.add(role + " " + JournalFormatter.hostPort(address));
        return index;
    }

    /** The ladder as text: one column per party, one line per message. */
    String text(final WallClock clock, final int width)
    {
        final StringBuilder sb = new StringBuilder();
        final String timePad = " ".repeat(14);
        sb.append(timePad);
        for (final String party : parties)
        {
            sb.append(center(party, width));
        }
        sb.append('\n');
        final long startNs = arrows.isEmpty() ? 0 : arrows.get(0).timeNs();
        for (final Arrow arrow : arrows)
        {
            final char[] row = new char[parties.size() * width];
            java.util.Arrays.fill(row, ' ');
            for (int i = 0; i < parties.size(); i++)
            {
                row[i * width + width / 2] = '|';
            }
            final int a = arrow.from() * width + width / 2;
            final int b = arrow.to() * width + width / 2;
            final int lo = Math.min(a, b);
            final int hi = Math.max(a, b);
            for (int x = lo + 1; x < hi; x++)
            {
                row[x] = '-';
            }
            if (b > a)
            {
                row[hi - 1] = '>';
            }
            else
            {
                row[lo + 1] = '<';
            }
            // At least two dashes or the arrow head each side of the label, so the direction stays visible.
            final String label = " " + arrow.label() + " ";
            final int room = hi - lo - 5;
            final String fitted = label.length() > room ? label.substring(0, Math.max(0, room - 1)) + "~ " : label;
            final int start = lo + 3 + Math.max(0, room - fitted.length()) / 2;
            for (int i = 0; i < fitted.length(); i++)
            {
                row[start + i] = fitted.charAt(i);
            }
            sb.append(String.format(java.util.Locale.ROOT, "%+12.3fs ", (arrow.timeNs() - startNs) / 1e9))
                .append(new String(row).replaceAll("\\s+$", "")).append('\n');
        }
        return sb.toString();
    }

    private static String center(final String text, final int width)
    {
        final String cut = text.length() > width - 1 ? text.substring(0, width - 1) : text;
        final int left = (width - cut.length()) / 2;
        return " ".repeat(left) + cut + " ".repeat(width - cut.length() - left);
    }
}
