package dev.referee.ops.demo;

import dev.referee.ops.RefereeMain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code referee demo} as a newcomer runs it: a real node, its phones on loopback, the journal views; exit 0. */
class DemoCommandTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldPlayEveryCallAndExplainItFromTheJournal(@TempDir final Path dir) throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Path journal = dir.resolve("journal");
        final int exit = RefereeMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute("demo", "--keep-journal", journal.toString());
        final String text = out.toString();
        assertEquals(0, exit, err + "\n" + text);
        assertTrue(text.contains("== 1. Basic call"), text);
        assertTrue(text.contains("call ended: caller-bye"), "the basic call ends with alice's BYE: " + text);
        assertTrue(text.contains("== 2. Blind transfer") && text.contains("transfer 1 completed"), text);
        assertTrue(text.contains("== 3. Attended transfer") && text.contains("consultation leg "), text);
        assertTrue(text.contains("transfer 2 completed"), "the attended transfer completes: " + text);
        assertTrue(text.contains("== 4. Busy target") && text.contains("SIP/2.0 486 Busy Here") &&
            text.contains("recall leg "), "dave's 486 and the recall are in the journal's account: " + text);
        assertTrue(text.contains("transfer 3 blind to sip:dave@127.0.0.1 failed: 486 Busy Here"), text);
        assertTrue(text.contains("4 calls, every one as expected"), text);
        assertTrue(Files.isDirectory(journal), "--keep-journal keeps it");
        // The call records go with the journal, not into ./data of the directory the demo was run from.
        try (var records = Files.list(journal.resolve("cdr")))
        {
            final String lines = records.map(file ->
            {
                try
                {
                    return Files.readString(file);
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            }).reduce("", String::concat);
            assertTrue(lines.contains("\"cause\":\"caller-bye\""), "the demo's call records: " + lines);
        }
    }
}
