package dev.referee.ops.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneLineFormatterTest
{
    private final OneLineFormatter formatter = new OneLineFormatter();

    private static LogRecord record(final Level level, final String message, final Throwable thrown)
    {
        final LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.referee.transport.TcpTransport");
        record.setInstant(java.time.Instant.parse("2026-12-04T02:10:00.123Z"));
        record.setThrown(thrown);
        return record;
    }

    @Test
    void shouldWriteAnExpectedConditionOnOneLine()
    {
        final String text = formatter.format(record(Level.WARNING, "closing connection 7",
            new IOException("Connection reset by peer")));
        assertEquals("2026-12-04T02:10:00.123Z WARNING transport.TcpTransport closing connection 7: IOException " +
            "Connection reset by peer" + System.lineSeparator(), text);
    }

    @Test
    void shouldAddTheStackTraceOnlyForAnError()
    {
        final String text = formatter.format(record(Level.SEVERE, "TCP I/O thread stopped",
            new IllegalStateException("bug")));
        final String[] lines = text.split(System.lineSeparator());
        assertEquals("2026-12-04T02:10:00.123Z ERROR transport.TcpTransport TCP I/O thread stopped: " +
            "IllegalStateException bug", lines[0]);
        assertTrue(lines.length > 2 && lines[2].trim().startsWith("at "), "the stack of the unexpected: " + text);
    }

    @Test
    void shouldKeepAMessageWithLineBreaksOnOneLineAndNameItsCall()
    {
        final String text = formatter.format(record(Level.INFO,
            OneLineFormatter.call("a84b4c76e66710@pc33", "refused INVITE sip:bob@x SIP/2.0\r\nVia: ..."), null));
        assertEquals(1, text.split(System.lineSeparator()).length, text);
        assertTrue(text.endsWith("INFO transport.TcpTransport refused INVITE sip:bob@x SIP/2.0 Via: ... " +
            "call=a84b4c76e66710@pc33" + System.lineSeparator()), text);
    }

    @Test
    void shouldNameLevelsAsTheConfigurationDoes()
    {
        assertTrue(formatter.format(record(Level.FINE, "x", null)).contains(" DEBUG "));
        assertTrue(formatter.format(record(Level.INFO, "x", null)).contains(" INFO "));
    }
}
