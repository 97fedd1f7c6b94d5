package dev.referee.ops.journal;

import dev.referee.journal.CycleClockJournals;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalEncoder;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalRoll;
import dev.referee.journal.RecordSink;
import dev.referee.journal.SyntheticCalls;
import dev.referee.ops.RefereeMain;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import net.openhft.chronicle.core.time.SetTimeProvider;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each {@code referee journal} command on a real journal written by driving the engine. */
class JournalCommandsTest
{
    private static final JournalConfig CONFIG = new JournalConfig(JournalRoll.DAILY, 7, 60_000);

    @TempDir
    static Path shared;
    static Path dir;
    static Path failedTransferDir;
    static Path digestDir;
    static Path divergingDigestDir;
    static Path cutDir;
    static Path uncutDir;
    static Path divergedBeforeSnapshotDir;

    @TempDir
    Path work;

    /** What one command printed and returned. */
    record Run(int exitCode, String out, String err)
    {
        List<String> lines()
        {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void writeJournals() throws Exception
    {
        dir = shared.resolve("journal");
        try (Journal journal = Journal.openForWriting(dir, CONFIG))
        {
            sixCalls(new SyntheticCalls(journal.newSink(), 21, 1_000_000_000L));
        }
        // The same calls with the messages Referee sent kept as digests (journal.outputs: digest).
        digestDir = shared.resolve("digests");
        try (Journal journal = Journal.openForWriting(digestDir, CONFIG))
        {
            sixCalls(new SyntheticCalls(journal.newSink(), 21, 1_000_000_000L).outputsAsDigests());
        }
        // Digests whose replay diverges at once: an event no input caused comes first.
        divergingDigestDir = shared.resolve("diverging-digests");
        try (Journal journal = Journal.openForWriting(divergingDigestDir, CONFIG))
        {
            final RecordSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 23, 1_000_000_000L).outputsAsDigests();
            new JournalEvents(sink).onTransferFailed(1_000_000_000L, 9, 1, 486, "target busy");
            calls.callerBye(calls.establish(1));
        }
        // Retention deleted the first minute (node-start with it); the same calls uncut, their outputs kept whole.
        cutDir = shared.resolve("cut");
        writeAroundASnapshot(cutDir, 1, true);
        uncutDir = shared.resolve("uncut");
        writeAroundASnapshot(uncutDir, 100, false);
        // Digests, and an event no input caused before the snapshot: a replay from node-start diverges there.
        divergedBeforeSnapshotDir = shared.resolve("diverged-before-snapshot");
        try (Journal journal = Journal.openForWriting(divergedBeforeSnapshotDir, CONFIG))
        {
            final RecordSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 25, 1_000_000_000L).outputsAsDigests();
            new JournalEvents(sink).onTransferFailed(1_000_000_000L, 9, 1, 486, "target busy");
            calls.callerBye(calls.establish(1));
            calls.snapshot();
            calls.blindTransfer(calls.establish(8), 8, 200);
            calls.advanceMs(2_000);
        }
        // Transfers are not performed by the engine yet: this journal has their events appended by hand.
        failedTransferDir = shared.resolve("transfers");
        try (Journal journal = Journal.openForWriting(failedTransferDir, CONFIG))
        {
            final RecordSink sink = journal.newSink();
            final SyntheticCalls calls = new SyntheticCalls(sink, 22, 1_000_000_000L);
            calls.establish(1);
            calls.establish(2);
            final JournalEvents events = new JournalEvents(sink);
            events.onReferReceived(3_000_000_000L, 2, "alice2", "bob2", "<sip:carol@127.0.0.1:5090>", null);
            events.onTransferStarted(3_000_000_000L, 2, 1, "blind", "sip:carol@127.0.0.1:5090");
            events.onTransferFailed(3_500_000_000L, 2, 1, 486, "target busy");
        }
    }

    /**
     * Minute 0: node-start, call 7 set up and hung up, call 9 set up; minute 1: a snapshot; minute 2: call 8 set up
     * and transferred, call 9 hung up. Then housekeeping with {@code retain} minutely cycles.
     */
    private static void writeAroundASnapshot(final Path journalDir, final int retain, final boolean digests)
        throws Exception
    {
        final long startMs = TimeUnit.DAYS.toMillis(20_000);
        final SetTimeProvider cycleClock = new SetTimeProvider(TimeUnit.MILLISECONDS.toNanos(startMs));
        try (Journal journal = CycleClockJournals.openForWriting(journalDir,
            new JournalConfig(JournalRoll.MINUTELY, retain, 60_000), cycleClock))
        {
            final SyntheticCalls calls = new SyntheticCalls(journal.newSink(), 24, 1_000_000_000L);
            if (digests)
            {
                calls.outputsAsDigests();
            }
            calls.callerBye(calls.establish(7));
            final String up = calls.establish(9);
            cycleClock.currentTimeMillis(startMs + 60_000);
            calls.snapshot();
            cycleClock.currentTimeMillis(startMs + 120_000);
            calls.blindTransfer(calls.establish(8), 8, 200);
            calls.callerBye(up);
            calls.advanceMs(2_000);
            journal.housekeep();
        }
    }

    /** Calls 1 to 6: hung up by either side, left up, rejected, a failed and a completed blind transfer. */
    private static void sixCalls(final SyntheticCalls calls)
    {
        calls.callerBye(calls.establish(1));
        calls.calleeBye(calls.establish(2));
        calls.establish(3);
        calls.rejected(4, 486);
        calls.blindTransfer(calls.establish(5), 5, 486);
        calls.blindTransfer(calls.establish(6), 6, 200);
        calls.advanceMs(2_000);
    }

    static Run run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = RefereeMain.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "calls", "stats", "show", "ladder", "replay", "pcap", "tail" })
    void shouldPrintHelpForEveryCommand(final String command)
    {
        final Run run = run("journal", command, "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--dir"), run.out());
    }

    @Test
    void shouldListOneLinePerCall()
    {
        final Run run = run("journal", "calls", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.lines();
        assertEquals(7, lines.size(), run.out());
        assertTrue(lines.get(0).contains("call-1@synthetic") && lines.get(0).contains("outcome=caller-bye"),
            lines.get(0));
        assertTrue(lines.get(0).contains("\"alice1\" <sip:alice1@127.0.0.1:5070> -> <sip:bob1@127.0.0.1:5060>"),
            lines.get(0));
        assertTrue(lines.get(0).contains("legs=2"), lines.get(0));
        assertTrue(lines.get(0).startsWith("2027-01-15T08:00:"), lines.get(0));
        assertTrue(lines.get(1).contains("outcome=callee-bye"), lines.get(1));
        assertTrue(lines.get(2).contains("outcome=in progress"), lines.get(2));
        assertTrue(lines.get(3).contains("rejected-4@synthetic"), lines.get(3));
        assertTrue(lines.get(4).contains("call-5@synthetic") && lines.get(4).contains("transfers=1 failed=1"),
            lines.get(4));
        assertTrue(lines.get(5).contains("call-6@synthetic") && lines.get(5).contains("transfers=1") &&
            !lines.get(5).contains("failed="), lines.get(5));
        assertEquals("6 call(s)", lines.get(6));
    }

    @Test
    void shouldFilterCalls()
    {
        assertEquals("1 call(s)", last(run("journal", "calls", "--dir", dir.toString(), "--party", "alice2")));
        assertEquals("0 call(s)",
            last(run("journal", "calls", "--dir", dir.toString(), "--since", "2030-01-01T00:00:00Z")));
        assertEquals("6 call(s)",
            last(run("journal", "calls", "--dir", dir.toString(), "--until", "2030-01-01T00:00:00Z")));
        final Run failedHere = run("journal", "calls", "--dir", dir.toString(), "--failed-transfers");
        assertEquals(2, failedHere.lines().size(), failedHere.out());
        assertTrue(failedHere.lines().get(0).contains("call-5@synthetic"), failedHere.out());
        assertEquals("1 call(s)", last(run("journal", "calls", "--dir", dir.toString(), "--party", "carol6")));
        final Run failed = run("journal", "calls", "--dir", failedTransferDir.toString(), "--failed-transfers");
        assertEquals(2, failed.lines().size(), failed.out());
        assertTrue(failed.lines().get(0).contains("call-2@synthetic"), failed.out());
        assertTrue(failed.lines().get(0).contains("transfers=1 failed=1"), failed.out());
    }

    @Test
    void shouldShowTheTimelineOfACallByLegCallIdOrCallId()
    {
        final Run byLeg = run("journal", "show", "--dir", dir.toString(), "call-1@synthetic");
        assertEquals(0, byLeg.exitCode(), byLeg.err());
        final String out = byLeg.out();
        assertTrue(out.contains("caller 127.0.0.1:5070  callee 127.0.0.1:5062"), out);
        assertTrue(out.contains("    +0.000 s  <- 127.0.0.1:5070  INVITE sip:bob1@127.0.0.1:5060 SIP/2.0"), out);
        assertTrue(out.contains("-> 127.0.0.1:5062  INVITE sip:bob1@127.0.0.1:5062 SIP/2.0"), out);
        assertTrue(out.contains("<- 127.0.0.1:5062  SIP/2.0 180 Ringing"), out);
        assertTrue(out.contains("** call 1: callee answered"), out);
        assertTrue(out.contains("** call 1: call ended: caller-bye"), out);

        final String callId = out.lines().filter(l -> l.contains(" call ")).findFirst().orElseThrow()
            .split("  call ")[1].split(" ")[0];
        final Run byId = run("journal", "show", "--dir", dir.toString(), callId);
        assertEquals(out, byId.out());

        final Run missing = run("journal", "show", "--dir", dir.toString(), "no-such-call");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("no call no-such-call"), missing.err());
    }

    @Test
    void shouldShowATransferredCallWithItsTarget()
    {
        final Run run = run("journal", "show", "--dir", dir.toString(), "call-6@synthetic");
        assertTrue(run.out().matches("(?s).*call 6: transfer \\d+ completed, call 7 goes on.*"), run.out());
        assertTrue(run.out().contains("caller 127.0.0.1:5070  callee 127.0.0.1:5062  targets [/127.0.0.1:5064]"),
            run.out());
        final Run failed = run("journal", "show", "--dir", dir.toString(), "call-5@synthetic");
        assertTrue(failed.out().matches("(?s).*transfer \\d+ blind to \\S+ failed: 486 Busy Here.*"), failed.out());
        final Run ladder = run("journal", "ladder", "--dir", dir.toString(), "call-6@synthetic");
        assertTrue(ladder.lines().get(0).contains("target 1 127.0.0.1:5064"), ladder.out());
        assertTrue(ladder.out().contains("REFER "), ladder.out());
    }

    @Test
    void shouldSayPlainlyWhyATransferFailed()
    {
        final Run run = run("journal", "show", "--dir", failedTransferDir.toString(), "call-2@synthetic");
        assertTrue(run.out().contains("transfer 1 FAILED: target answered 486 (target busy)"), run.out());
        assertTrue(run.out().contains("transfer 1 blind to sip:carol@127.0.0.1:5090 failed: 486 Busy Here (target busy)"),
            run.out());
        final Run calls = run("journal", "calls", "--dir", failedTransferDir.toString(), "--failed-transfers");
        assertTrue(calls.lines().get(0).contains("call 2 ") && calls.lines().get(0).endsWith(
            "transfer 1 blind to sip:carol@127.0.0.1:5090 failed: 486 Busy Here (target busy)"), calls.out());
    }

    @Test
    void shouldAddUpTheJournal()
    {
        final Run run = run("journal", "stats", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        // Calls 1, 2, 3, 5 and 6 answered, 4 rejected with 486.
        assertTrue(run.out().contains("calls 6  answered 5  ASR 83.3%"), run.out());
        assertTrue(run.out().matches("(?s).*setup time \\(to answer\\)  mean [0-9.]+ ms  p95 [0-9.]+ ms.*"), run.out());
        assertTrue(run.out().contains("transfers 2:"), run.out());
        assertTrue(run.out().matches("(?s).*  blind +completed 1  failed 1\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*transfer failure reasons:\n +1  486 Busy Here\n.*"), run.out());
        assertTrue(run.out().matches("(?s).*call outcomes:\n.*rejected 486.*"), run.out());

        final Run none = run("journal", "stats", "--dir", dir.toString(), "--since", "2100-01-01T00:00:00Z");
        assertTrue(none.out().startsWith("calls 0  answered 0  ASR -"), none.out());
    }

    @Test
    void shouldTakeThe95thPercentileByNearestRank()
    {
        final StatsCommand.Totals totals = new StatsCommand.Totals();
        for (long ms = 1; ms <= 20; ms++)
        {
            totals.setupNs.add(ms * 1_000_000L);
        }
        totals.calls = 20;
        totals.answered = 20;
        final StringWriter text = new StringWriter();
        totals.print(new java.io.PrintWriter(text));
        assertTrue(text.toString().contains("mean 10.5 ms  p95 19.0 ms"), text.toString());
    }

    /** The operator's question: a blind transfer whose target answered 486. The target's exchange is in every view. */
    @Test
    void shouldShowTheTargetsLegOfAFailedTransferInEveryView() throws Exception
    {
        final Run show = run("journal", "show", "--dir", dir.toString(), "call-5@synthetic");
        assertTrue(show.out().contains("-> 127.0.0.1:5064  INVITE sip:"), "the INVITE to the target: " + show.out());
        assertTrue(show.out().contains("<- 127.0.0.1:5064  SIP/2.0 486"), "the target's 486: " + show.out());
        assertTrue(show.out().contains("target leg "), "the leg's event: " + show.out());
        assertTrue(show.out().contains("targets [/127.0.0.1:5064]"), show.out());

        final Run ladder = run("journal", "ladder", "--dir", dir.toString(), "call-5@synthetic");
        assertTrue(ladder.lines().get(0).contains("target 1 127.0.0.1:5064"), "a column for the target: " + ladder.out());
        assertTrue(ladder.out().contains("486 Busy Here"), ladder.out());

        final Run calls = run("journal", "calls", "--dir", dir.toString(), "--failed-transfers");
        assertTrue(calls.out().matches("(?s).*call 5 .*transfer \\d+ blind to \\S+ failed: 486 Busy Here.*"),
            calls.out());
    }

    @Test
    void shouldDrawTheLadderAsTextAndHtml() throws Exception
    {
        final Path html = work.resolve("ladder.html");
        final Run run = run("journal", "ladder", "--dir", dir.toString(), "call-2@synthetic", "--html",
            html.toString());
        assertEquals(0, run.exitCode(), run.err());
        final List<String> lines = run.lines();
        assertTrue(lines.get(0).contains("caller 127.0.0.1:5070") && lines.get(0).contains("Referee") &&
            lines.get(0).contains("callee 127.0.0.1:5062"), lines.get(0));
        assertTrue(lines.get(1).matches(".*\\|-+ INVITE sip:bob2@127\\.0\\.0\\.1:5060 SIP/2\\.0 -+>\\|.*"),
            lines.get(1));
        assertTrue(run.out().lines().anyMatch(l -> l.matches(".*\\|<-+ BYE .*-\\|.*")), run.out());

        final String page = Files.readString(html);
        final org.w3c.dom.Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(html.toFile());
        assertEquals("html", document.getDocumentElement().getNodeName());
        assertEquals(1, document.getElementsByTagName("svg").getLength());
        for (final String party : List.of("caller 127.0.0.1:5070", "Referee", "callee 127.0.0.1:5062"))
        {
            assertTrue(page.contains(">" + party + "</text>"), party);
        }

        final String chromium = DebianTools.ensure("chromium", "chromium");
        assumeTrue(chromium != null, "chromium could not be installed: the page was not rendered");
        final Path png = work.resolve("ladder.png");
        final DebianTools.Result shot = DebianTools.run(List.of(chromium, "--headless", "--no-sandbox",
            "--disable-gpu", "--screenshot=" + png, "--window-size=1200,900", html.toUri().toString()), 120);
        assertTrue(Files.isRegularFile(png) && Files.size(png) > 1000, "no screenshot: " + shot.output());
    }

    @Test
    void shouldReplayTheJournalExactly()
    {
        final Run run = run("journal", "replay", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.out());
        assertTrue(run.out().startsWith("replay OK: "), run.out());
        assertTrue(run.out().contains("0 produced after the last record"), run.out());

        final Run trace = run("journal", "replay", "--dir", dir.toString(), "--call", "call-2@synthetic", "--trace");
        assertEquals(0, trace.exitCode(), trace.out());
        assertTrue(trace.out().contains("  ok   input-sip"), trace.out());
        assertTrue(trace.out().contains("  ok   call-ended"), trace.out());
        assertFalse(trace.out().contains("call-1@synthetic"), trace.out());

        // The call's state transitions, in order: set up, answered, ended.
        final List<String> states = trace.out().lines().filter(line -> line.startsWith("  state ")).toList();
        assertTrue(states.size() >= 3, trace.out());
        assertTrue(states.get(0).matches("  state call \\d+ INITIATING; A leg \\d+ \\w+.*; B leg \\d+ trying.*"),
            states.get(0));
        assertTrue(states.stream().anyMatch(s -> s.contains(" CONFIRMED; A leg ") && s.contains(" confirmed joined to ")),
            trace.out());
        assertTrue(states.get(states.size() - 1).matches("  state call \\d+ ended: .*"), trace.out());

        // The moves the state machines recorded, in the order they made them.
        final List<String> moves = trace.out().lines().filter(line -> line.startsWith("  move  ")).toList();
        final int answered = indexOf(moves, "  move  call \\d+: INITIATING -> CONFIRMED \\(callee answered\\)");
        final int legAnswered = indexOf(moves, "  move  dialog \\d+: EARLY -> CONFIRMED \\(callee answered\\)");
        final int ended = indexOf(moves, "  move  call \\d+: (CONFIRMED|TERMINATING) -> ENDED \\(.*\\)");
        assertTrue(answered >= 0 && legAnswered >= 0 && ended > answered, trace.out());
        // The offer/answer of each leg: the caller's offer relayed to the callee, the callee's answer relayed back.
        final int offered = indexOf(moves,
            "  move  offer answer \\d+: NO_SESSION -> OFFER_SENT \\(offer in INVITE sent\\)");
        final int answerIn = indexOf(moves,
            "  move  offer answer \\d+: OFFER_SENT -> STABLE \\(answer in 2xx received\\)");
        final int answerOut = indexOf(moves,
            "  move  offer answer \\d+: OFFER_RECEIVED -> STABLE \\(answer in 2xx sent\\)");
        assertTrue(offered >= 0 && answerIn > offered && answerOut > answerIn && ended > answerOut, trace.out());
        assertFalse(trace.out().contains("REFUSED"), trace.out());
    }

    private static int indexOf(final List<String> lines, final String regex)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).matches(regex))
            {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldFailReplayNamingTheFirstDifferingRecord()
    {
        // The hand-appended transfer events were never produced by the engine.
        final Run run = run("journal", "replay", "--dir", failedTransferDir.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("replay DIVERGED: first divergence at record "), run.out());
        assertTrue(run.out().contains("(refer-received)"), run.out());
    }

    @Test
    void shouldWriteAPcapThatTsharkReads() throws Exception
    {
        final Path pcap = work.resolve("call.pcap");
        final Run run = run("journal", "pcap", "--dir", dir.toString(), "call-1@synthetic", "-o", pcap.toString());
        assertEquals(0, run.exitCode(), run.err());
        final int packets = Integer.parseInt(run.out().split(" ")[1]);
        assertTrue(packets >= 10, run.out());

        final String tshark = DebianTools.ensure("tshark", "tshark");
        assertNotNull(tshark, "tshark is missing and could not be installed (apt-get install tshark)");
        final DebianTools.Result read = DebianTools.run(List.of(tshark, "-r", pcap.toString(), "-T", "fields",
            "-e", "ip.src", "-e", "udp.srcport", "-e", "ip.dst", "-e", "udp.dstport", "-e", "sip.Method",
            "-e", "sip.Status-Code", "-e", "udp.checksum.status", "-o", "udp.check_checksum:TRUE"), 120);
        assertEquals(0, read.exitCode(), read.output());
        final List<String> rows = read.output().lines().filter(l -> l.startsWith("127.0.0.1")).toList();
        assertEquals(packets, rows.size(), read.output());
        assertEquals("127.0.0.1\t5070\t127.0.0.1\t5060\tINVITE\t\t1", rows.get(0));
        assertTrue(rows.stream().anyMatch(r -> r.contains("\t5062\t") && r.contains("\tINVITE\t")), read.output());
        assertTrue(rows.stream().anyMatch(r -> r.contains("\t200\t")), read.output());
        assertTrue(rows.stream().allMatch(r -> r.endsWith("\t1")), "UDP checksums good (1): " + read.output());
    }

    @Test
    void shouldShowAndExportAJournalOfDigestsAsOneOfWholeOutputs() throws Exception
    {
        for (final List<String> command : List.of(List.of("show", "call-1@synthetic"), List.of("show",
            "call-6@synthetic"), List.of("ladder", "call-6@synthetic"), List.of("calls"), List.of("stats")))
        {
            final Run whole = run(journalCommand(command, dir));
            final Run digests = run(journalCommand(command, digestDir));
            assertEquals(0, digests.exitCode(), digests.err());
            assertEquals(whole.out().replace(dir.toString(), "DIR"), digests.out().replace(digestDir.toString(), "DIR"),
                command.toString());
        }
        final Run replay = run("journal", "replay", "--dir", digestDir.toString());
        assertEquals(0, replay.exitCode(), replay.out());
        assertTrue(replay.out().startsWith("replay OK: "), replay.out());

        // The pcap's messages sent by Referee are rebuilt by a replay, checked against their digests: the same file.
        final Path wholePcap = work.resolve("whole.pcap");
        final Path digestPcap = work.resolve("digests.pcap");
        assertEquals(0, run("journal", "pcap", "--dir", dir.toString(), "call-6@synthetic", "-o",
            wholePcap.toString()).exitCode());
        final Run pcap = run("journal", "pcap", "--dir", digestDir.toString(), "call-6@synthetic", "-o",
            digestPcap.toString());
        assertEquals(0, pcap.exitCode(), pcap.err());
        assertTrue(Files.size(wholePcap) > 2_000, "pcap of " + Files.size(wholePcap) + " bytes");
        assertEquals(-1, Files.mismatch(wholePcap, digestPcap), "the pcaps differ");
    }

    @Test
    void shouldSayWhichMessagesAPcapLacksWhenTheReplayDiverges() throws Exception
    {
        final Path pcap = work.resolve("diverging.pcap");
        final Run run = run("journal", "pcap", "--dir", divergingDigestDir.toString(), "call-1@synthetic", "-o",
            pcap.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("message(s) Referee sent are recorded as digests and could not be rebuilt " +
            "(the replay diverged: first divergence at record "), run.err());
        assertTrue(run.err().contains("(transfer-failed)"), run.err());
        // What Referee received is there, every message it was sent for the call (the "<-" lines of show).
        final long received = run("journal", "show", "--dir", divergingDigestDir.toString(), "call-1@synthetic")
            .lines().stream().filter(line -> line.contains("<- ")).count();
        assertTrue(received >= 5, "received " + received);
        assertTrue(run.out().startsWith("wrote " + received + " packets of call "), run.out());
    }

    /**
     * A journal whose first cycle retention deleted, node-start with it: replay starts at the snapshot (saying so),
     * and a call after it shows and exports as from the same journal uncut, its digests rebuilt from the snapshot.
     */
    @Test
    void shouldReplayShowAndExportAJournalWhoseNodeStartRetentionDeleted() throws Exception
    {
        assertEquals(2, Journal.cycleFiles(cutDir).size(), "minute 0 deleted");
        assertEquals(3, Journal.cycleFiles(uncutDir).size());

        final Run replay = run("journal", "replay", "--dir", cutDir.toString());
        assertEquals(0, replay.exitCode(), replay.out());
        assertTrue(replay.out().startsWith("the journal's node-start is gone (retention): replayed from the " +
            "snapshot at record "), replay.out());
        assertTrue(replay.out().contains("replay OK: "), replay.out());

        final Run show = run("journal", "show", "--dir", cutDir.toString(), "call-8@synthetic");
        assertEquals(0, show.exitCode(), show.err());
        assertEquals(run("journal", "show", "--dir", uncutDir.toString(), "call-8@synthetic").out()
            .replace(uncutDir.toString(), "DIR"), show.out().replace(cutDir.toString(), "DIR"),
            "the same records at the same wall-clock times");

        final Path cutPcap = work.resolve("cut.pcap");
        final Path uncutPcap = work.resolve("uncut.pcap");
        final Run pcap = run("journal", "pcap", "--dir", cutDir.toString(), "call-8@synthetic", "-o",
            cutPcap.toString());
        assertEquals(0, pcap.exitCode(), pcap.err());
        assertEquals(0, run("journal", "pcap", "--dir", uncutDir.toString(), "call-8@synthetic", "-o",
            uncutPcap.toString()).exitCode());
        assertTrue(Files.size(uncutPcap) > 2_000, "pcap of " + Files.size(uncutPcap) + " bytes");
        assertEquals(-1, Files.mismatch(uncutPcap, cutPcap), "the pcaps differ");
    }

    /** pcap rebuilds a call's digests from the latest snapshot before the call, not from node-start. */
    @Test
    void shouldRebuildACallsDigestsFromTheLatestSnapshotBeforeIt() throws Exception
    {
        final Run replay = run("journal", "replay", "--dir", divergedBeforeSnapshotDir.toString());
        assertEquals(1, replay.exitCode(), "from node-start the replay diverges: " + replay.out());

        final Run pcap = run("journal", "pcap", "--dir", divergedBeforeSnapshotDir.toString(), "call-8@synthetic",
            "-o", work.resolve("call-8.pcap").toString());
        assertEquals(0, pcap.exitCode(), pcap.err());
        final long messages = run("journal", "show", "--dir", divergedBeforeSnapshotDir.toString(),
            "call-8@synthetic").lines().stream().filter(line -> line.matches(" *[+-][0-9.]+ s  (<-|->) .*")).count();
        assertTrue(messages >= 10, "messages " + messages);
        assertTrue(pcap.out().startsWith("wrote " + messages + " packets of call "), pcap.out() + " for " + messages);
    }

    private static String[] journalCommand(final List<String> command, final Path journalDir)
    {
        final List<String> args = new java.util.ArrayList<>(List.of("journal", command.get(0), "--dir",
            journalDir.toString()));
        args.addAll(command.subList(1, command.size()));
        return args.toArray(new String[0]);
    }

    @Test
    void shouldTailFromTheStartAndFollowAppendedRecords() throws Exception
    {
        final Run start = run("journal", "tail", "--dir", dir.toString(), "--from-start", "--count", "3");
        assertEquals(0, start.exitCode(), start.err());
        assertEquals(3, start.lines().size(), start.out());
        assertTrue(start.lines().get(0).contains("node-start"), start.out());
        assertTrue(start.lines().get(1).contains("input-sip"), start.out());

        final Path live = work.resolve("live");
        try (Journal journal = Journal.openForWriting(live, CONFIG))
        {
            final RecordSink sink = journal.newSink();
            new SyntheticCalls(sink, 1, 1_000_000_000L);
            final AtomicInteger exit = new AtomicInteger(-1);
            final List<Run> result = new ArrayList<>();
            final Thread tail = new Thread(() ->
            {
                final Run run = run("journal", "tail", "--dir", live.toString(), "--count", "2");
                result.add(run);
                exit.set(run.exitCode());
            });
            tail.start();
            // Appends until the tail has seen two records that were appended after it started.
            long timeNs = 2_000_000_000L;
            while (tail.isAlive() && timeNs < 2_000_000_000L + 100_000 * 1_000_000L)
            {
                JournalEncoder.inputTick(sink.begin(), timeNs);
                sink.commit();
                timeNs += 1_000_000L;
                tail.join(5);
            }
            tail.join(10_000);
            assertEquals(0, exit.get());
            assertEquals(2, result.get(0).lines().size(), result.get(0).out());
            assertTrue(result.get(0).lines().get(0).contains("input-tick t="), result.get(0).out());
        }
    }

    private static String last(final Run run)
    {
        final List<String> lines = run.lines();
        return lines.get(lines.size() - 1);
    }
}
