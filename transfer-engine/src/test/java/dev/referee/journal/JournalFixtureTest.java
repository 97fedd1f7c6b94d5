package dev.referee.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journals written by earlier format versions (src/test/resources/journal-vN, a few calls each) must always read and
 * replay. Version 1 made its identifiers from a seed, version 2 from a keyed PRF: each replays with its own generator.
 * Write a fixture only for a new format version, into a new folder (never over an old one):
 * {@code mvn -pl transfer-engine -am test -Dtest=JournalFixtureTest -Dreferee.writeFixture=journal-vN}.
 */
class JournalFixtureTest
{
    static final Path VERSION_1 = Paths.get("src/test/resources/journal-v1");
    static final Path VERSION_2 = Paths.get("src/test/resources/journal-v2");
    /** Referee's own Call-ID toward a callee in a version 2 journal: 128 bits of key stream. */
    private static final Pattern KEYED_CALL_ID = Pattern.compile("\\r\\nCall-ID: [0-9a-f]{32}@referee\\r\\n");

    @TempDir
    Path copy;

    @Test
    void shouldReadAndReplayTheVersion1Journal() throws Exception
    {
        final List<JournalRecord> records = readAndReplay(VERSION_1);
        assertEquals(1, records.get(0).formatVersion);
        assertEquals(2026, records.get(0).config.seed());
        assertNull(records.get(0).config.idKey(), "no key: the seeded generator of version 1");
    }

    @Test
    void shouldReadAndReplayTheVersion2Journal() throws Exception
    {
        final List<JournalRecord> records = readAndReplay(VERSION_2);
        assertEquals(2, records.get(0).formatVersion);
        assertEquals(SyntheticCalls.key(2026), records.get(0).config.idKey());
        final List<JournalRecord> invitesToCallees = records.stream().filter(r -> r.type == RecordType.OUTPUT_SIP &&
            r.firstLine().startsWith("INVITE sip:bob")).toList();
        assertEquals(4, invitesToCallees.size());
        for (final JournalRecord invite : invitesToCallees)
        {
            assertTrue(KEYED_CALL_ID.matcher(invite.messageText()).find(), invite.messageText());
        }
    }

    /** Reads every record of a copy of {@code fixture}, checks the calls it holds, and replays it exactly. */
    private List<JournalRecord> readAndReplay(final Path fixture) throws Exception
    {
        copyTree(fixture, copy);
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
        assertEquals(4, records.stream().filter(r -> r.type == RecordType.CALL_CREATED).count());
        assertEquals(3, records.stream().filter(r -> r.type == RecordType.CALL_ENDED).count());
        assertTrue(records.stream().anyMatch(r -> r.type == RecordType.INPUT_TICK));

        try (Journal journal = Journal.openReadOnly(copy); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
            assertEquals(records.stream().filter(r -> r.type == RecordType.OUTPUT_SIP).count(), result.outputs());
        }
        return records;
    }

    @Test
    @EnabledIfSystemProperty(named = "referee.writeFixture", matches = "journal-v.*")
    void writeFixture() throws Exception
    {
        final Path target = Paths.get("src/test/resources", System.getProperty("referee.writeFixture"));
        assertFalse(Files.exists(target), target + " exists: a fixture is never rewritten");
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
        trimPretouchedZeros(target, 64 << 10);
    }

    /**
     * Cuts each cycle file back to the blocks that hold records plus one, the length Chronicle alone leaves: the
     * journal's pre-touching grows the file by 4 MiB of zeros past the last record, which a fixture need not carry.
     */
    private static void trimPretouchedZeros(final Path dir, final int blockSize) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".cq4")).toList())
            {
                final byte[] bytes = Files.readAllBytes(file);
                int last = bytes.length - 1;
                while (last > 0 && bytes[last] == 0)
                {
                    last--;
                }
                final int length = Math.min(bytes.length, (last / blockSize + 2) * blockSize);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    channel.truncate(length);
                }
            }
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
