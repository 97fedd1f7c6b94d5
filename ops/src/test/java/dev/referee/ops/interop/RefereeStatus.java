package dev.referee.ops.interop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The counters of Referee's GET /status: every {@code "name": number} pair of the JSON, nested or not. */
final class RefereeStatus
{
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"([A-Za-z0-9_.-]+)\"\\s*:\\s*(-?\\d+)(?![.\\deE])");
    /** Value of a counter that /status did not report. */
    static final long MISSING = Long.MIN_VALUE;

    private final Map<String, Long> counters;
    private final String raw;

    private RefereeStatus(final Map<String, Long> counters, final String raw)
    {
        this.counters = counters;
        this.raw = raw;
    }

    /** Tiny hand parser: the first occurrence of each name wins (top-level fields come first in a flat object). */
    static RefereeStatus parse(final String json)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        final Matcher matcher = NUMBER_FIELD.matcher(json);
        while (matcher.find())
        {
            counters.putIfAbsent(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return new RefereeStatus(Collections.unmodifiableMap(counters), json);
    }

    long counter(final String name)
    {
        final Long value = counters.get(name);
        if (value == null)
        {
            throw new AssertionError("/status has no numeric field '" + name + "': " + raw);
        }
        return value;
    }

    long activeCalls()
    {
        return counter("activeCalls");
    }

    long dialogs()
    {
        return counter("dialogs");
    }

    long transactions()
    {
        return counter("transactions");
    }

    /** Completed transactions kept only to absorb retransmissions (RFC 3261 Timers D, I, J, K). */
    long transactionsWaiting()
    {
        return counter("transactionsWaiting");
    }

    long timers()
    {
        return counter("timers");
    }

    Map<String, Long> counters()
    {
        return counters;
    }

    String raw()
    {
        return raw;
    }

    @Override
    public String toString()
    {
        return raw;
    }
}
