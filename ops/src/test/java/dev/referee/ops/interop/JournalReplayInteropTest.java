package dev.referee.ops.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replay determinism over a real journal (issue 4): 10,000 basic calls at a high rate and, at the same time, 300 blind
 * transfers go through Referee with SIPp; then {@code referee journal replay}, run from the jar as its own process,
 * re-runs the engine over the whole journal and must find every recorded output and event identical (exit 0).
 */
@Tag("interop")
class JournalReplayInteropTest
{
    private static final int BASIC_CALLS = 10_000;
    private static final int BASIC_RATE = 800;
    private static final int TRANSFERS = 300;
    private static final int TRANSFER_RATE = 30;
    /**
     * Floor on what a basic call leaves in the journal: Referee sends at least INVITE, 200 relayed, ACK, BYE and
     * 200 relayed (5 outputs), and records at least call created and call ended (2 events).
     */
    private static final int OUTPUTS_PER_CALL = 5;
    private static final int EVENTS_PER_CALL = 2;
    private static final Duration BOUND = Duration.ofSeconds(50);
    private static final Pattern REPLAY_OK = Pattern.compile(
        "^replay OK: (\\d+) records, (\\d+) inputs replayed, (\\d+) outputs and (\\d+) events identical");
    private static final Pattern CALL_COUNT = Pattern.compile("(?m)^(\\d+) call\\(s\\)$");

    @RegisterExtension
    static final FailureDump DUMP = new FailureDump();

    private static RefereeProcess referee;

    @BeforeAll
    static void checkSipp()
    {
        Sipp.binary();
    }

    @AfterAll
    static void stopReferee()
    {
        if (referee != null)
        {
            referee.close();
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void shouldReplayTenThousandCallsAndHundredsOfTransfersIdentically() throws IOException
    {
        final Path dir = DUMP.workDir("referee-replay-interop-");
        final long startNs;
        try (SippParties parties = new SippParties(DUMP))
        {
            final Path transfers = dir.resolve("transfers");
            final int carolPort = parties.start(Sipp.uas("uas-target-answer-offer-then-wait-bye.xml", transfers)
                .calls(TRANSFERS).globalTimeout(BOUND), TRANSFERS).localPort();
            final int bobPort = parties.start(Sipp.uas("uas-answer-then-refer-blind.xml", transfers)
                .key("target", "carol").calls(TRANSFERS).globalTimeout(BOUND), TRANSFERS).localPort();
            final Path basic = dir.resolve("basic");
            final int basicPort = parties.start(Sipp.uas("uas-answer-then-wait-bye.xml", basic).calls(BASIC_CALLS)
                .globalTimeout(BOUND), BASIC_CALLS).localPort();
            referee = RefereeProcess.start(dir, bobPort, List.of(
                new RefereeProcess.Route("carol", carolPort), new RefereeProcess.Route("basic", basicPort)), "");
            DUMP.always(() -> "--- Referee (pid " + referee.pid() + ") " + referee.logFile() + ":\n" +
                referee.logTail(80));
            startNs = System.nanoTime();
            parties.start(Sipp.uac("uac-call-then-accept-transfer-reinvite.xml", transfers).remote(referee.sipPort())
                .service("bob").calls(TRANSFERS).rate(TRANSFER_RATE).limit(TRANSFERS).holdMs(200)
                .globalTimeout(BOUND), TRANSFERS);
            parties.start(Sipp.uac("uac-basic-call.xml", basic).remote(referee.sipPort()).service("basic")
                .calls(BASIC_CALLS).rate(BASIC_RATE).limit(BASIC_RATE).globalTimeout(BOUND), BASIC_CALLS);
            parties.assertAllSucceeded(BOUND.plusSeconds(10));
        }
        referee.awaitCallsEnded(Duration.ofSeconds(15));
        final long trafficMs = (System.nanoTime() - startNs) / 1_000_000;

        final long replayStartNs = System.nanoTime();
        final String replay = JournalTool.run(referee.journalDir(), "replay");
        final long replayMs = (System.nanoTime() - replayStartNs) / 1_000_000;
        final Matcher ok = REPLAY_OK.matcher(replay);
        assertTrue(ok.find(), replay);
        final long outputs = Long.parseLong(ok.group(3));
        final long events = Long.parseLong(ok.group(4));
        final int calls = BASIC_CALLS + TRANSFERS;
        assertTrue(outputs >= (long)OUTPUTS_PER_CALL * calls, "outputs checked: " + replay);
        assertTrue(events >= (long)EVENTS_PER_CALL * calls, "events checked: " + replay);

        final String listed = JournalTool.run(referee.journalDir(), "calls");
        final Matcher count = CALL_COUNT.matcher(listed);
        assertTrue(count.find(), () -> listed.substring(Math.max(0, listed.length() - 500)));
        assertTrue(Long.parseLong(count.group(1)) >= calls, "calls in the journal: " + count.group(1));
        final String failed = JournalTool.run(referee.journalDir(), "calls", "--failed-transfers");
        assertTrue(failed.endsWith("0 call(s)\n") || failed.endsWith("0 call(s)"), failed);
        assertEquals(-1, replay.indexOf("DIVERGED"), replay);

        // The other operator commands on this real journal: one transferred call shown, drawn, exported; the journal
        // followed from its start.
        final String transferredLine = listed.lines()
            .filter(line -> line.contains("transfers=1") && !line.contains("failed=")).findFirst()
            .orElseThrow(() -> new AssertionError("no transferred call listed"));
        final String callId = transferredLine.split("  call ")[1].split(" ")[0];
        final String shown = JournalTool.run(referee.journalDir(), "show", callId);
        assertTrue(Pattern.compile("transfer \\d+ completed, call \\d+ goes on").matcher(shown).find(), shown);
        assertTrue(shown.contains("REFER "), shown);

        // Its state transitions as the replay makes them: set up, confirmed, the blind transfer to its end.
        final String trace = JournalTool.run(referee.journalDir(), "replay", "--call", callId, "--trace");
        assertTrue(trace.contains("  state call " + callId + " INITIATING; "), trace);
        assertTrue(trace.contains("  state call " + callId + " CONFIRMED; "), trace);
        assertTrue(Pattern.compile("  state call \\d+ .*; transfer \\d+ blind CALLING_TARGET").matcher(trace).find(), trace);
        assertTrue(Pattern.compile("  state call \\d+ .*; transfer \\d+ blind COMPLETED").matcher(trace).find(), trace);
        assertTrue(trace.contains("  state call " + callId + " ended: "), trace);

        final java.nio.file.Path html = referee.journalDir().resolveSibling("ladder-" + callId + ".html");
        final String ladder = JournalTool.run(referee.journalDir(), "ladder", callId, "--html", html.toString());
        assertTrue(ladder.contains("Referee") && ladder.contains("REFER ") && ladder.contains("NOTIFY "), ladder);
        final String page = java.nio.file.Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("REFER"), "the ladder page draws the REFER");

        final java.nio.file.Path pcap = referee.journalDir().resolveSibling("call-" + callId + ".pcap");
        JournalTool.run(referee.journalDir(), "pcap", callId, "-o", pcap.toString());
        final String tshark = dev.referee.ops.journal.DebianTools.ensure("tshark", "tshark");
        assertTrue(tshark != null, "tshark is missing and could not be installed (apt-get install tshark)");
        final dev.referee.ops.journal.DebianTools.Result read = dev.referee.ops.journal.DebianTools.run(
            java.util.List.of(tshark, "-r", pcap.toString(), "-T", "fields", "-e", "sip.Method"), 120);
        assertEquals(0, read.exitCode(), read.output());
        for (final String method : new String[]{"INVITE", "REFER", "NOTIFY", "ACK", "BYE"})
        {
            assertTrue(read.output().lines().anyMatch(method::equals), method + " in the pcap: " + read.output());
        }

        final String tailed = JournalTool.run(referee.journalDir(), "tail", "--from-start", "--count", "50",
            "--no-ticks");
        assertTrue(tailed.lines().filter(line -> !line.isBlank()).count() >= 50, tailed);
        System.out.println("journal of " + count.group(1) + " calls (" + TRANSFERS + " transferred) written in " +
            trafficMs + " ms, replayed by the jar in " + replayMs + " ms: " + replay.strip());
    }
}
