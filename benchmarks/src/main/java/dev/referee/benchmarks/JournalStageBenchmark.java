package dev.referee.benchmarks;

import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalRoll;
import dev.referee.journal.SyntheticCalls;
import dev.referee.ring.InboundEvent;
import dev.referee.transport.Transport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Cost per input of the journal stage: one ring slot appended to a real Chronicle Queue, as the stage does for every
 * received SIP message (a typical 900-byte INVITE) and every tick. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar JournalStageBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true" })
@State(Scope.Thread)
public class JournalStageBenchmark
{
    private static final String INVITE = "INVITE sip:bob@127.0.0.1:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-524287-1---d8754z-;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "Contact: <sip:alice@127.0.0.1:5070;transport=udp>\r\n" +
        "To: <sip:bob@127.0.0.1:5060>\r\n" +
        "From: \"Alice\" <sip:alice@127.0.0.1:5070>;tag=a73kszlfl\r\n" +
        "Call-ID: 1j9FpLxk3uxtm8tn@127.0.0.1\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, MESSAGE, NOTIFY, REFER\r\n" +
        "Content-Type: application/sdp\r\n" +
        "User-Agent: benchmark\r\n" +
        "Content-Length: 300\r\n\r\n" + "v=0\r\n" + "a=x\r\n".repeat(73);

    private Path dir;
    private Journal journal;
    private JournalInputStage stage;
    private final InboundEvent sip = new InboundEvent();
    private final InboundEvent tick = new InboundEvent();
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory("journal-bench");
        journal = Journal.openForWriting(dir, new JournalConfig(JournalRoll.DAILY, 7, 60_000));
        stage = new JournalInputStage(journal.newSink(), 0);
        final byte[] bytes = INVITE.getBytes(StandardCharsets.US_ASCII);
        sip.type = InboundEvent.SIP;
        sip.transport = Transport.UDP;
        sip.source = SyntheticCalls.CALLER;
        sip.local = SyntheticCalls.REFEREE;
        sip.ensureCapacity(bytes.length);
        sip.data.putBytes(0, bytes);
        sip.length = bytes.length;
        tick.type = InboundEvent.TICK;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journal.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(file);
            }
        }
    }

    /** A received INVITE of about 900 bytes. */
    @Benchmark
    public long appendSipInput()
    {
        sip.timeNs = ++sequence;
        stage.onEvent(sip, sequence, true);
        return sip.timeNs;
    }

    /** A timer tick (the smallest input, 100 per second per node). */
    @Benchmark
    public long appendTick()
    {
        tick.timeNs = ++sequence;
        stage.onEvent(tick, sequence, true);
        return tick.timeNs;
    }
}
