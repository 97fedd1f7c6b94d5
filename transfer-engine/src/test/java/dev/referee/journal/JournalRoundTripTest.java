package dev.referee.journal;

import dev.referee.config.Cidr;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.config.MediaConfig;
import dev.referee.engine.config.OnTransferFailure;
import dev.referee.engine.config.RedirectConfig;
import dev.referee.engine.config.TransferConfig;
import dev.referee.engine.config.TransferMode;
import dev.referee.engine.config.Route;
import dev.referee.engine.config.TrunkCallPolicy;
import dev.referee.engine.config.TrunkConfig;
import dev.referee.engine.config.TrunkHeaderPolicy;
import dev.referee.engine.config.TrunkTransferPolicy;
import dev.referee.engine.config.WebhookConfig;
import dev.referee.transport.Transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every record type written to a real Chronicle Queue reads back with the same fields. */
class JournalRoundTripTest
{
    private static final InetSocketAddress V6 = new InetSocketAddress("2001:db8::7", 5070);
    private static final byte[] INVITE = "INVITE sip:bob@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private List<JournalRecord> writeAndRead(final java.util.function.Consumer<RecordSink> writer) throws Exception
    {
        try (Journal journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 60_000)))
        {
            writer.accept(journal.newSink());
        }
        final List<JournalRecord> records = new ArrayList<>();
        try (Journal journal = Journal.openReadOnly(dir); JournalReader reader = journal.newReader())
        {
            JournalRecord record;
            while ((record = reader.next()) != null)
            {
                records.add(record);
            }
        }
        return records;
    }

    @Test
    void shouldRoundTripNodeStartWithTheEngineConfiguration() throws Exception
    {
        final EngineConfig config = SyntheticCalls.config(0x1234_5678_9abcL);
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.nodeStart(sink.begin(), 77, 1_700_000_000_000L, config);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.NODE_START, r.type);
        assertEquals(RecordType.FORMAT_VERSION, r.formatVersion);
        assertEquals(77, r.timeNs);
        assertEquals(1_700_000_000_000L, r.wallClockMs);
        assertEquals(config.seed(), r.config.seed());
        assertEquals(config.idKey(), r.config.idKey());
        assertEquals(config.listen(), r.config.listen());
        assertEquals(config.routes().get(0).user().pattern(), r.config.routes().get(0).user().pattern());
        assertEquals(config.routes().get(0).target(), r.config.routes().get(0).target());
        assertTrue(JournalRecovery.sameConfig(config, r.config));
        assertEquals(config.t2Ns(), r.config.t2Ns());
        assertEquals(config.userAgent(), r.config.userAgent());
    }

    @Test
    void shouldRoundTripTheMediaSection() throws Exception
    {
        final MediaConfig media = new MediaConfig(true, InetAddress.getByName("192.0.2.7"),
            InetAddress.getByName("203.0.113.5"), 40_000, 40_999, 30_000, 600_000, true);
        final EngineConfig config = SyntheticCalls.config(5).withMedia(media);
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.nodeStart(sink.begin(), 1, 2, config);
            sink.commit();
        }).get(0);
        assertEquals(media, r.config.media());
        assertTrue(r.config.anchorsMedia());
        assertTrue(JournalRecovery.sameConfig(config, r.config));
        assertFalse(JournalRecovery.sameConfig(config, config.withMedia(MediaConfig.defaults())),
            "a restart with another media section is another configuration");

        final EngineConfig noAdvertise = config.withMedia(new MediaConfig(false, InetAddress.getByName("::1"), null,
            50_000, 50_001, 60_000, 3_600_000, false));
        final List<JournalRecord> both = writeAndRead(sink ->
        {
            JournalEncoder.nodeStart(sink.begin(), 1, 2, noAdvertise);
            sink.commit();
        });
        final JournalRecord again = both.get(both.size() - 1);
        assertEquals(noAdvertise.media(), again.config.media());
    }

    @Test
    void shouldRoundTripTransferSettingsAndTrunks() throws Exception
    {
        final EngineConfig base = SyntheticCalls.config(9);
        final TrunkConfig trunk = new TrunkConfig("carrier-a",
            List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")), new TrunkTransferPolicy(
            TransferMode.RELAY, true, List.of(Pattern.compile("\\+1[0-9]+")),
            URI.create("http://127.0.0.1:9000/transfer")), new TrunkCallPolicy(List.of("pbx"), 10, 2, 3, true),
            new TrunkHeaderPolicy(true, List.of("x-carrier-ref")));
        final Route named = base.routes().get(0);
        final EngineConfig config = new EngineConfig(base.listen(),
            List.of(new Route("pbx", named.user(), named.target(), named.transport())), base.t1Ns(), base.t2Ns(),
            base.t4Ns(), base.maxCalls(), base.userAgent(), base.idKey(),
            new TransferConfig(200, 10_000, 30_000, OnTransferFailure.HANGUP),
            new RedirectConfig(3), List.of(trunk), new WebhookConfig(1_500));
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.nodeStart(sink.begin(), 1, 2, config);
            sink.commit();
        }).get(0);
        assertEquals(config.transfer(), r.config.transfer());
        assertEquals(config.redirect(), r.config.redirect());
        assertEquals(config.webhook(), r.config.webhook());
        assertEquals(config.trunks().toString(), r.config.trunks().toString());
        assertEquals(trunk.calls(), r.config.trunks().get(0).calls());
        assertEquals(trunk.headers(), r.config.trunks().get(0).headers());
        assertEquals("pbx", r.config.routes().get(0).name());
        assertTrue(JournalRecovery.sameConfig(config, r.config));
    }

    @Test
    void shouldRoundTripAWebhookAnswer() throws Exception
    {
        final byte[] target = "sip:carol@example.com".getBytes(StandardCharsets.US_ASCII);
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.inputWebhook(sink.begin(), 12, 34, true, new UnsafeBuffer(target), 0, target.length);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.INPUT_WEBHOOK, r.type);
        assertTrue(r.isInput());
        assertEquals(12, r.timeNs);
        assertEquals(34, r.webhookRequestId);
        assertTrue(r.webhookAccept);
        assertArrayEquals(target, r.message);
    }

    @Test
    void shouldRoundTripATransportFailureAsAnInput() throws Exception
    {
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.inputTransportFailure(sink.begin(), 77, Transport.TLS, V6, 9);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.INPUT_TRANSPORT_FAILURE, r.type);
        assertTrue(r.isInput(), "replayed on recovery: the engine acted on it");
        assertEquals(77, r.timeNs);
        assertEquals(Transport.TLS, r.transport);
        assertEquals(V6, r.peer);
        assertEquals(9, r.connectionId);
        assertEquals("input-transport-failure", r.typeName());
        assertTrue(JournalFormatter.describe(r).endsWith(" TLS to " + JournalFormatter.hostPort(V6) + " conn=9 failed"),
            JournalFormatter.describe(r));
    }

    @Test
    void shouldRoundTripAMediaSilenceAsAnInput() throws Exception
    {
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.inputMediaIdle(sink.begin(), 88, 1_234_567);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.INPUT_MEDIA_IDLE, r.type);
        assertTrue(r.isInput(), "replayed on recovery: the engine ended a call on it");
        assertEquals(88, r.timeNs);
        assertEquals(1_234_567, r.mediaEndpoint);
        assertEquals("input-media-idle", r.typeName());
        assertTrue(JournalFormatter.describe(r).endsWith(" endpoint 1234567 silent"), JournalFormatter.describe(r));
    }

    @Test
    void shouldRoundTripAClosedEndpointsFiguresAsAnInput() throws Exception
    {
        final dev.referee.ring.MediaFigures figures =
            new dev.referee.ring.MediaFigures().set(1_500, 258_000, 6, 3, 41, 2, 1_000_000, 30_000_000_000L);
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.inputMediaStats(sink.begin(), 99, 1_234_568, figures);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.INPUT_MEDIA_STATS, r.type);
        assertTrue(r.isInput(), "replayed: the engine hands the figures to the call records again");
        assertEquals(99, r.timeNs);
        assertEquals(1_234_568, r.mediaEndpoint);
        assertEquals(figures.toString(), r.mediaFigures.toString());
        assertEquals(1_000_000, r.mediaFigures.firstPacketNs);
        assertEquals(30_000_000_000L, r.mediaFigures.lastPacketNs);
        assertEquals("input-media-stats", r.typeName());
        assertTrue(JournalFormatter.describe(r).endsWith(
            " endpoint 1234568 closed: packets 1500 bytes 258000 rtcp 6 lost 3 jitter 41 dropped 2"),
            JournalFormatter.describe(r));
    }

    @Test
    void shouldRoundTripAnEndpointTheRelayCouldNotOpenAsAnInput() throws Exception
    {
        final JournalRecord r = writeAndRead(sink ->
        {
            JournalEncoder.inputMediaOpenFailed(sink.begin(), 77, 1_234_569, 30_002, 0);
            sink.commit();
        }).get(0);
        assertEquals(RecordType.INPUT_MEDIA_OPEN_FAILED, r.type);
        assertTrue(r.isInput(), "replayed: the engine failed a call and took the pair out of the pool on it");
        assertEquals(77, r.timeNs);
        assertEquals(1_234_569, r.mediaEndpoint);
        assertEquals(30_002, r.mediaPort);
        assertEquals(0, r.mediaFailure);
        assertEquals("input-media-open-failed", r.typeName());
        assertTrue(JournalFormatter.describe(r).endsWith(" endpoint 1234569 port 30002 not opened (bind failed)"),
            JournalFormatter.describe(r));
    }

    @Test
    void shouldRoundTripInputsOutputsAndRecovered() throws Exception
    {
        final List<JournalRecord> records = writeAndRead(sink ->
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[100 + INVITE.length]);
            buffer.putBytes(100, INVITE);
            JournalEncoder.inputSip(sink.begin(), 5, Transport.TCP, V6, SyntheticCalls.REFEREE, 42, buffer, 100,
                INVITE.length);
            sink.commit();
            JournalEncoder.inputTick(sink.begin(), 6);
            sink.commit();
            JournalEncoder.outputSip(sink.begin(), 7, Transport.UDP, SyntheticCalls.CALLEE, 0,
                new UnsafeBuffer(INVITE), 0, INVITE.length);
            sink.commit();
            JournalEncoder.recovered(sink.begin(), 8, 123, 456, 789);
            sink.commit();
        });
        assertEquals(4, records.size());
        final JournalRecord in = records.get(0);
        assertEquals(RecordType.INPUT_SIP, in.type);
        assertEquals(5, in.timeNs);
        assertEquals(Transport.TCP, in.transport);
        assertEquals(V6, in.peer);
        assertEquals(SyntheticCalls.REFEREE, in.local);
        assertEquals(42, in.connectionId);
        assertArrayEquals(INVITE, in.message);
        assertEquals("INVITE sip:bob@example.com SIP/2.0", in.firstLine());
        assertEquals(RecordType.INPUT_TICK, records.get(1).type);
        assertEquals(6, records.get(1).timeNs);
        final JournalRecord out = records.get(2);
        assertEquals(RecordType.OUTPUT_SIP, out.type);
        assertEquals(7, out.timeNs);
        assertEquals(SyntheticCalls.CALLEE, out.peer);
        assertArrayEquals(INVITE, out.message);
        final JournalRecord recovered = records.get(3);
        assertEquals(RecordType.RECOVERED, recovered.type);
        assertEquals(123, recovered.wallClockMs);
        assertEquals(456, recovered.inputsReplayed);
        assertEquals(789, recovered.recoveryNs);
        assertTrue(records.get(1).index > records.get(0).index);
    }

    @Test
    void shouldRoundTripEveryDomainEvent() throws Exception
    {
        final List<JournalRecord> r = writeAndRead(sink ->
        {
            final JournalEvents events = new JournalEvents(sink);
            events.onCallCreated(1, 10, 0, "leg-a", "leg-b", "<sip:alice@a>", "<sip:bob@b>", null);
            events.onLegRinging(2, 10, 180);
            events.onLegAnswered(3, 10);
            events.onReferReceived(4, 10, "alice", "bob", "<sip:carol@c>", null);
            events.onTransferRefused(5, 10, 403, "not allowed");
            events.onTransferStarted(6, 10, 3, "blind", "sip:carol@c");
            events.onTransferTargetRinging(7, 10, 3, 180);
            events.onTransferCompleted(8, 10, 3, 11);
            events.onTransferFailed(9, 10, 3, 486, "target busy");
            events.onCallEnded(10, 10, "caller-bye", 0);
            events.onLegAdded(11, 10, "leg-c", "target");
        });
        assertEquals(11, r.size());
        for (int i = 0; i < r.size(); i++)
        {
            assertEquals(i + 1, r.get(i).timeNs);
            assertEquals(10, r.get(i).callId);
            assertTrue(r.get(i).isEvent());
        }
        assertEquals(RecordType.CALL_CREATED, r.get(0).type);
        assertEquals("leg-a", r.get(0).text(0));
        assertEquals("leg-b", r.get(0).text(1));
        assertEquals("<sip:bob@b>", r.get(0).text(3));
        assertNull(r.get(0).text(4));
        assertEquals(180, r.get(1).status);
        assertEquals(RecordType.LEG_ANSWERED, r.get(2).type);
        assertEquals("<sip:carol@c>", r.get(3).text(2));
        assertNull(r.get(3).text(3));
        assertEquals(403, r.get(4).status);
        assertEquals("not allowed", r.get(4).text(0));
        assertEquals("blind", r.get(5).text(0));
        assertEquals(3, r.get(5).transferId);
        assertEquals(180, r.get(6).status);
        assertEquals(11, r.get(7).newCallId);
        assertEquals(486, r.get(8).status);
        assertEquals("target busy", r.get(8).text(0));
        assertEquals("caller-bye", r.get(9).text(0));
        assertTrue(JournalFormatter.describe(r.get(8)).contains("FAILED: target answered 486 (target busy)"));
        assertEquals(RecordType.LEG_ADDED, r.get(10).type);
        assertEquals("leg-c", r.get(10).text(0));
        assertEquals("target", r.get(10).text(1));
        assertTrue(JournalFormatter.describe(r.get(10)).contains("target leg leg-c added"), JournalFormatter.describe(r.get(10)));
    }

    @Test
    void shouldDecodeTheSameFromMemoryAsFromTheQueue() throws Exception
    {
        final MemorySink memory = new MemorySink();
        new JournalEvents(memory).onLegRinging(2, 10, 183);
        final List<JournalRecord> r = writeAndRead(sink -> new JournalEvents(sink).onLegRinging(2, 10, 183));
        assertArrayEquals(memory.records().peek(), r.get(0).raw);
        assertEquals(183, JournalDecoder.decode(memory.records().peek()).status);
    }

    @Test
    void shouldDecodeAnUnknownRecordTypeWithoutFailing()
    {
        final JournalRecord record = JournalDecoder.decode(new byte[]{ 99, 1, 2, 3 });
        assertEquals(RecordType.UNKNOWN, record.type);
    }
}
