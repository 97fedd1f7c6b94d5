package dev.referee.journal;

import dev.referee.config.RefereeConfig.JournalConfig;
import dev.referee.config.RefereeConfig.JournalRoll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal written by format version 1 (src/test/resources/journal-v1, a few calls) must always read and replay.
 * Regenerate it only for a new format version, into a new folder:
 * {@code mvn -pl transfer-engine -am test -Dtest=JournalFixtureTest -Dreferee.writeFixture=journal-vN}.
 */
class JournalFixtureTest
{
    static final Path FIXTURE = Paths.get("src/test/resources/journal-v1");

    @TempDir
    Path copy;

    @Test
    void shouldReadAndReplayTheVersion1Journal() throws Exception
    {
        copyTree(FIXTURE, copy);
        final List<JournalRecord> records = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(copy); JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                records.add(record);
            }
        }
        assertEquals(RecordType.NODE_START, records.get(0).type);
        assertEquals(1, records.get(0).formatVersion);
        assertEquals(2026, records.get(0).config.seed());
        assertEquals(4, records.stream().filter(r -> r.type == RecordType.CALL_CREATED).count());
        assertEquals(3, records.stream().filter(r -> r.type == RecordType.CALL_ENDED).count());
        assertTrue(records.stream().anyMatch(r -> r.type == RecordType.INPUT_TICK));

        try (Journal journal = Journal.openReadOnly(copy); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertEquals(records.stream().filter(r -> r.type == RecordType.OUTPUT_SIP).count(), result.outputs());
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "referee.writeFixture", matches = "journal-v.*")
    void writeFixture() throws Exception
    {
        final Path target = Paths.get("src/test/resources", System.getProperty("referee.writeFixture"));
        final JournalConfig config = new JournalConfig(JournalRoll.DAILY, 7, 60_000);
        try (Journal journal = Journal.openForWriting(target, config, 64 << 10))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 2026, 1_000_000_000L);
            final String a = calls.establish(1);
            final String b = calls.establish(2);
            calls.establish(3);
            calls.rejected(4, 486);
            calls.callerBye(a);
            calls.calleeBye(b);
            calls.advanceMs(1_000);
        }
    }

    static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
