package dev.referee.ops.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per event, for grep and for log shippers: UTC time, level, the logger's short name, the message, and an
 * exception as its class and message on the same line. A stack trace follows only for ERROR, the level of the
 * unexpected (a thread that stopped, a bug met): an expected condition (a peer that reset its connection, a full
 * disk refusing the journal) is a WARNING and stays one line. Messages about a call carry {@code call=ID} (see
 * {@link #call}), so that one grep finds a call's lines next to {@code referee journal show ID}.
 */
public final class OneLineFormatter extends Formatter
{
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);

    /** A message about one call: "text call=ID", the form the formatter and operators' greps expect. */
    public static String call(final CharSequence callId, final String text)
    {
        return text + " call=" + callId;
    }

    @Override
    public String format(final LogRecord record)
    {
        final StringBuilder line = new StringBuilder(160);
        TIME.formatTo(Instant.ofEpochMilli(record.getMillis()), line);
        line.append(' ').append(levelName(record.getLevel())).append(' ').append(shortName(record.getLoggerName()))
            .append(' ').append(oneLine(formatMessage(record)));
        final Throwable thrown = record.getThrown();
        if (thrown != null)
        {
            line.append(": ").append(thrown.getClass().getSimpleName());
            if (thrown.getMessage() != null)
            {
                line.append(' ').append(oneLine(thrown.getMessage()));
            }
        }
        line.append(System.lineSeparator());
        if (thrown != null && record.getLevel().intValue() >= Level.SEVERE.intValue())
        {
            final java.io.StringWriter trace = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String levelName(final Level level)
    {
        final int value = level.intValue();
        return value >= Level.SEVERE.intValue() ? "ERROR" : value >= Level.WARNING.intValue() ? "WARNING" :
            value >= Level.INFO.intValue() ? "INFO" : "DEBUG";
    }

    /** "dev.referee.transport.TcpTransport" -> "transport.TcpTransport": the package says which part of Referee. */
    private static String shortName(final String logger)
    {
        if (logger == null)
        {
            return "-";
        }
        return logger.startsWith("dev.referee.") ? logger.substring("dev.referee.".length()) : logger;
    }

    /** A message that spans lines (a SIP message quoted in it) is kept on one: CR and LF become spaces. */
    private static String oneLine(final String text)
    {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace("\r\n", " ").replace('\n', ' ')
            .replace('\r', ' ');
    }
}
