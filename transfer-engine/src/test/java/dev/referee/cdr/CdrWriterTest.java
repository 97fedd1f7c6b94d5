package dev.referee.cdr;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class CdrWriterTest
{
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    /** Engine time 0 is 2026-11-21T10:00:00Z. */
    private static final WallClockMapping CLOCK =
        WallClockMapping.of(0, Instant.parse("2026-11-21T10:00:00Z").toEpochMilli());
    private static final String TODAY = "cdr-2026-11-21.jsonl";
    private static final String ALICE = "\"alice\" <sip:alice@127.0.0.1:5070>";
    private static final String BOB = "<sip:bob@127.0.0.1:5060>";
    private static final String ALICE_JSON = "\"\\\"alice\\\" <sip:alice@127.0.0.1:5070>\"";

    @TempDir
    Path tempDir;

    private CdrWriter writer;

    @AfterEach
    void after()
    {
        if (null != writer)
        {
            writer.close();
        }
    }

    @Test
    void shouldWriteOneLinePerLegWhenCallEnds() throws IOException
    {
        final Path dir = tempDir.resolve("not/yet/there");
        writer = new CdrWriter(dir, 64, CLOCK).start();

        writer.onCallCreated(S, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2:5060");
        writer.onLegRinging(S + 500 * MS, 1, 180);
        writer.onLegAnswered(3 * S, 1);
        writer.onCallEnded(63 * S + 250 * MS, 1, "callee-bye", 0);

        final List<String> lines = awaitLines(dir.resolve(TODAY), 2);
        final String common = "\"from\":" + ALICE_JSON + ",\"to\":\"<sip:bob@127.0.0.1:5060>\"," +
            "\"target\":\"sip:bob@10.0.0.2:5060\",\"start\":\"2026-11-21T10:00:01.000Z\"," +
            "\"ring\":\"2026-11-21T10:00:01.500Z\",\"answer\":\"2026-11-21T10:00:03.000Z\"," +
            "\"end\":\"2026-11-21T10:01:03.250Z\",\"durationSec\":62.250,\"talkSec\":60.250," +
            "\"cause\":\"callee-bye\",\"status\":0}";
        assertEquals(List.of(
            "{\"v\":1,\"callId\":1,\"leg\":\"caller\",\"legCallId\":\"a-1\"," + common,
            "{\"v\":1,\"callId\":1,\"leg\":\"callee\",\"legCallId\":\"b-1\"," + common), lines);
        assertEquals(2, writer.linesWritten());
        assertEquals(0, writer.droppedEvents());
        assertEquals(0, writer.unmatchedEvents());
    }

    @Test
    void shouldWriteRejectedCallWithNoAnswer() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();

        writer.onCallCreated(0, 7, 0, "a-7", "b-7", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegRinging(100 * MS, 7, 180);
        writer.onCallEnded(4 * S + 5 * MS, 7, "rejected", 486);

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 2);
        for (final String line : lines)
        {
            assertTrue(line.contains("\"answer\":null,\"end\":\"2026-11-21T10:00:04.005Z\"," +
                "\"durationSec\":4.005,\"talkSec\":0.000,\"cause\":\"rejected\",\"status\":486}"), line);
        }
    }

    @Test
    void shouldRecordBlindTransferAsParentAndChildCalls() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();
        final String carol = "sip:carol@example.com";

        writer.onCallCreated(0, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegAnswered(2 * S, 1);
        writer.onReferReceived(10 * S, 1, "<sip:bob@127.0.0.1:5060>", ALICE, carol, "<sip:bob@127.0.0.1:5060>");
        writer.onTransferStarted(10 * S, 1, 5, "blind", carol);
        writer.onTransferTargetRinging(11 * S, 1, 5, 180);
        writer.onCallCreated(12 * S, 2, 1, "a-1", "c-2", ALICE, "<" + carol + ">", "sip:carol@10.0.0.3");
        writer.onLegAnswered(12 * S, 2);
        writer.onTransferCompleted(12 * S, 1, 5, 2);
        writer.onCallEnded(12 * S, 1, "transferred", 0);
        writer.onCallEnded(40 * S, 2, "callee-bye", 0);

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 4);
        final String transfer = ",\"transferor\":\"<sip:bob@127.0.0.1:5060>\",\"transferee\":" + ALICE_JSON +
            ",\"referTo\":\"sip:carol@example.com\",\"referredBy\":\"<sip:bob@127.0.0.1:5060>\"," +
            "\"transfer\":{\"id\":5,\"kind\":\"blind\",\"target\":\"sip:carol@example.com\"," +
            "\"outcome\":\"completed\",\"newCallId\":2}}";
        assertTrue(lines.get(0).startsWith("{\"v\":1,\"callId\":1,\"leg\":\"caller\",\"legCallId\":\"a-1\",\"from\""));
        assertTrue(lines.get(0).endsWith("\"cause\":\"transferred\",\"status\":0" + transfer), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"v\":1,\"callId\":1,\"leg\":\"callee\",\"legCallId\":\"b-1\""));
        assertTrue(lines.get(1).endsWith(transfer), lines.get(1));

        assertEquals("{\"v\":1,\"callId\":2,\"leg\":\"caller\",\"legCallId\":\"a-1\",\"parentCallId\":1," +
            "\"from\":" + ALICE_JSON + ",\"to\":\"<sip:carol@example.com>\",\"target\":\"sip:carol@10.0.0.3\"," +
            "\"start\":\"2026-11-21T10:00:12.000Z\",\"ring\":null,\"answer\":\"2026-11-21T10:00:12.000Z\"," +
            "\"end\":\"2026-11-21T10:00:40.000Z\",\"durationSec\":28.000,\"talkSec\":28.000," +
            "\"cause\":\"callee-bye\",\"status\":0}", lines.get(2));
        assertTrue(lines.get(3).startsWith(
            "{\"v\":1,\"callId\":2,\"leg\":\"callee\",\"legCallId\":\"c-2\",\"parentCallId\":1,"), lines.get(3));
        assertEquals(0, writer.unmatchedEvents());
    }

    @Test
    void shouldRecordFailedTransferOnOriginalCall() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();

        writer.onCallCreated(0, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegAnswered(S, 1);
        writer.onReferReceived(5 * S, 1, BOB, ALICE, "sip:carol@example.com", BOB);
        writer.onTransferStarted(5 * S, 1, 9, "blind", "sip:carol@example.com");
        writer.onTransferFailed(6 * S, 1, 9, 486, "the target answered 486");
        writer.onCallEnded(20 * S, 1, "caller-bye", 0);

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 2);
        for (final String line : lines)
        {
            assertTrue(line.endsWith("\"transfer\":{\"id\":9,\"kind\":\"blind\",\"target\":\"sip:carol@example.com\"," +
                "\"outcome\":\"failed\",\"status\":486,\"reason\":\"the target answered 486\"}}"), line);
            assertTrue(line.contains("\"cause\":\"caller-bye\""), line);
            assertFalse(line.contains("newCallId"), line);
        }
    }

    @Test
    void shouldRecordRefusedRefer() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();

        writer.onCallCreated(0, 3, 0, "a-3", "b-3", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegAnswered(S, 3);
        writer.onReferReceived(2 * S, 3, BOB, ALICE, "sip:+15551234567@pstn.example.com", BOB);
        writer.onTransferRefused(2 * S, 3, 403, "PSTN transfer target not allowed");
        writer.onCallEnded(9 * S, 3, "callee-bye", 0);

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 2);
        for (final String line : lines)
        {
            assertTrue(line.endsWith("\"referTo\":\"sip:+15551234567@pstn.example.com\"," +
                "\"referredBy\":\"<sip:bob@127.0.0.1:5060>\"," +
                "\"transferRefused\":{\"status\":403,\"reason\":\"PSTN transfer target not allowed\"}}"), line);
            assertFalse(line.contains("\"transfer\":"), line);
        }
    }

    @Test
    void shouldEscapeQuotesBackslashesAndControlCharacters() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();
        final String nasty = "\"Bob \\\"the\\\" Boss\"\t\u0001\n\u007f\u00e9 <sip:bob@x>";

        writer.onCallCreated(0, 1, 0, "a\"1", "b\\1", nasty, BOB, "sip:bob@10.0.0.2");
        writer.onCallEnded(S, 1, "cancelled", 487);

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 2);
        assertEquals(2, lines.size(), "a control character must not split a record");
        final String expected =
            "\"from\":\"\\\"Bob \\\\\\\"the\\\\\\\" Boss\\\"\\t\\u0001\\n\\u007f\u00e9 <sip:bob@x>\"";
        assertTrue(lines.get(0).contains("\"legCallId\":\"a\\\"1\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"legCallId\":\"b\\\\1\""), lines.get(1));
        assertTrue(lines.get(0).contains(expected), lines.get(0));
    }

    @Test
    void shouldDropAndCountEventsWhenQueueIsFullInsteadOfBlocking() throws IOException
    {
        // Not started: nothing drains the queue, so the fifth event finds no free slot.
        writer = new CdrWriter(tempDir, 4, CLOCK);

        writer.onCallCreated(0, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegRinging(MS, 1, 180);
        writer.onLegAnswered(2 * MS, 1);
        writer.onCallEnded(S, 1, "caller-bye", 0);
        writer.onCallCreated(2 * S, 2, 0, "a-2", "b-2", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onCallEnded(3 * S, 2, "caller-bye", 0);

        assertEquals(2, writer.droppedEvents());
        writer.close();

        final List<String> lines = Files.readAllLines(tempDir.resolve(TODAY), StandardCharsets.UTF_8);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"v\":1,\"callId\":1,"), lines.get(0));
        assertEquals(0, writer.unmatchedEvents());
    }

    /** Media anchored: each leg's line carries what its party sent to the relay, once the relay reported it. */
    @Test
    void shouldWriteEachLegsMediaFiguresOnceTheRelayReportedThem() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK, () -> 0L).start();
        writer.onCallCreated(S, 3, 0, "a-3", "b-3", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegAnswered(2 * S, 3);
        writer.onMediaClosing(62 * S, 3, true, 48);
        writer.onMediaClosing(62 * S, 3, false, 64);
        writer.onCallEnded(62 * S, 3, "caller-bye", 0);
        writer.onMediaStats(62 * S + 3 * MS, 48,
            new dev.referee.ring.MediaFigures().set(3_000, 516_000, 12, 4, 37, 1, 2 * S + 20 * MS, 61 * S));
        writer.onMediaStats(62 * S + 4 * MS, 64, new dev.referee.ring.MediaFigures());

        final List<String> lines = awaitLines(tempDir.resolve(TODAY), 2);
        assertTrue(lines.get(0).endsWith(",\"status\":0,\"media\":{\"packets\":3000,\"bytes\":516000," +
            "\"rtcpPackets\":12,\"lost\":4,\"jitter\":37,\"dropped\":1," +
            "\"firstPacket\":\"2026-11-21T10:00:02.020Z\",\"lastPacket\":\"2026-11-21T10:01:01.000Z\"}}"),
            lines.get(0));
        assertTrue(lines.get(1).endsWith(",\"media\":{\"packets\":0,\"bytes\":0,\"rtcpPackets\":0,\"lost\":0," +
            "\"jitter\":0,\"dropped\":0,\"firstPacket\":null,\"lastPacket\":null}}"), lines.get(1));
        assertEquals(0, writer.unmatchedEvents());
    }

    @Test
    void shouldWriteCallsStillOpenAtCloseWithNoEnd() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();

        writer.onCallCreated(0, 4, 0, "a-4", "b-4", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onLegAnswered(S, 4);
        writer.close();

        final List<String> lines = Files.readAllLines(tempDir.resolve(TODAY), StandardCharsets.UTF_8);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).endsWith(
            "\"end\":null,\"durationSec\":null,\"talkSec\":null,\"cause\":null,\"status\":0}"), lines.get(0));
    }

    @Test
    void shouldWriteEachCallToTheFileOfTheDayItEnded() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();
        final long midnight = 14 * 3600 * S;

        writer.onCallCreated(midnight - 10 * S, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onCallCreated(midnight - 5 * S, 2, 0, "a-2", "b-2", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onCallEnded(midnight - S, 1, "caller-bye", 0);
        writer.onCallEnded(midnight + S, 2, "caller-bye", 0);

        assertEquals(2, awaitLines(tempDir.resolve("cdr-2026-11-22.jsonl"), 2).size());
        final List<String> today = awaitLines(tempDir.resolve(TODAY), 2);
        assertTrue(today.get(0).contains("\"callId\":1,"), today.get(0));
    }

    @Test
    void shouldCountEventsForUnknownCalls() throws IOException
    {
        writer = new CdrWriter(tempDir, 64, CLOCK).start();

        writer.onLegAnswered(S, 99);
        writer.onCallEnded(2 * S, 99, "caller-bye", 0);
        writer.onCallCreated(0, 1, 0, "a-1", "b-1", ALICE, BOB, "sip:bob@10.0.0.2");
        writer.onCallEnded(3 * S, 1, "caller-bye", 0);

        awaitLines(tempDir.resolve(TODAY), 2);
        assertEquals(2, writer.unmatchedEvents());
    }

    /** Waits (10 s at most) until the writer thread has appended {@code count} whole lines to {@code file}. */
    private static List<String> awaitLines(final Path file, final int count)
    {
        return Awaitility.await("expected " + count + " lines in " + file).pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
            .until(() -> wholeLines(file), lines -> lines.size() >= count);
    }

    /** The lines of {@code file} up to its last newline: the writer may be in the middle of appending the next. */
    private static List<String> wholeLines(final Path file) throws IOException
    {
        if (!Files.exists(file))
        {
            return List.of();
        }
        final String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().collect(Collectors.toList());
    }
}
