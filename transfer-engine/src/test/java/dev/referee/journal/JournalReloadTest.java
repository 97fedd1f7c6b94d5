package dev.referee.journal;

import dev.referee.config.ListenAddress;
import dev.referee.engine.EngineSnapshot;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.Route;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.transport.Transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload is a journaled input (record type config): replay takes it at the same point, and recovery from a
 * snapshot taken after it builds its engine with the configuration then in force.
 */
class JournalReloadTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);

    @TempDir
    Path dir;

    /** The configuration of {@link SyntheticCalls} with "dave" routed too (to the target's address). */
    private static EngineConfig withDave(final EngineConfig running)
    {
        return new EngineConfig(running.listen(), List.of(
            new Route(Pattern.compile("bob.*"), SyntheticCalls.CALLEE, Transport.UDP),
            new Route(Pattern.compile("carol.*"), SyntheticCalls.TARGET, Transport.UDP),
            new Route(Pattern.compile("dave.*"), SyntheticCalls.TARGET, Transport.UDP)),
            running.t1Ns(), running.t2Ns(), running.t4Ns(), 500, running.userAgent(), running.idKey());
    }

    @Test
    void shouldReplayAReloadAtTheSamePointAndVerify() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 90, 1_000_000_000L);
            final String before = calls.establish(1);
            assertTrue(calls.send(SyntheticCalls.CALLER, invite("dave1")).get(0).startsWith("SIP/2.0 404"),
                "no route to dave yet");
            calls.reload(withDave(calls.engine().config()));
            assertEquals(500, calls.engine().config().maxCalls());
            assertTrue(calls.send(SyntheticCalls.CALLER, invite("dave2")).stream()
                .anyMatch(m -> m.startsWith("INVITE sip:dave2@")), "dave routed after the reload");
            calls.callerBye(before);
            calls.advanceMs(40_000);
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }

    @Test
    void shouldRecoverFromASnapshotTakenAfterAReloadWithTheReloadedConfiguration() throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 91, 1_000_000_000L);
            calls.establish(1);
            calls.reload(withDave(calls.engine().config()));
            calls.establish(2);
            calls.snapshot();
            calls.establish(3);

            final SnapshotFinder.Found found = SnapshotFinder.latest(journal);
            assertNotNull(found.config(), "the configuration in force is found with the snapshot");
            assertEquals(3, found.config().routes().size());

            final byte[] live = EngineSnapshot.take(calls.engine());
            calls.crashAndRecover(journal);
            assertEquals(3, calls.engine().config().routes().size(), "the recovered engine runs the reloaded routes");
            assertEquals(500, calls.engine().config().maxCalls());
            assertArrayEquals(live, EngineSnapshot.take(calls.engine()), "the same state as before the crash");
            assertTrue(calls.send(SyntheticCalls.CALLER, invite("dave4")).stream()
                .anyMatch(m -> m.startsWith("INVITE sip:dave4@")), "dave still routed after the recovery");
        }
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            final JournalVerifier.Result result = JournalVerifier.verify(reader);
            assertTrue(result.ok(), result.divergence());
        }
    }

    @Test
    void shouldRoundTripAConfigRecord()
    {
        final MemorySink sink = new MemorySink();
        final EngineConfig config = withDave(SyntheticCalls.config(92));
        JournalEncoder.config(sink.begin(), 123, 0, RecordType.CONFIG_RELOAD, config);
        sink.commit();
        final JournalRecord record = JournalDecoder.decode(sink.records().poll());
        assertEquals(RecordType.CONFIG, record.type);
        assertEquals(RecordType.CONFIG_RELOAD, record.configPurpose);
        assertEquals(123, record.timeNs);
        assertTrue(JournalRecovery.sameConfig(config, record.config), "decoded as encoded");
        assertTrue(record.isInput());
        assertTrue(JournalFormatter.describe(record).contains("reload: routes=3"), JournalFormatter.describe(record));
    }

    private static String invite(final String user)
    {
        final String callId = user + "@synthetic";
        return "INVITE sip:" + user + "@127.0.0.1:5060 SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + user + "\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:alice@127.0.0.1:5070>;tag=a-" + user + "\r\n" +
            "To: <sip:" + user + "@127.0.0.1:5060>\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "Contact: <sip:alice@127.0.0.1:5070>\r\n" +
            "Content-Length: 0\r\n\r\n";
    }
}
