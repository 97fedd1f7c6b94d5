package dev.referee.benchmarks.engine;

import dev.referee.config.RefereeConfig.JournalConfig;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalSender;
import dev.referee.journal.RecordSink;
import dev.referee.pipeline.InboundEvent;
import dev.referee.transport.Transport;
import org.agrona.DirectBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Complete blind transfers through the engine alone, on one thread, with a fake clock: one operation is one
 * transfer (call set up, REFER, 202 and NOTIFYs, target INVITE, re-INVITE of the transferee, ACKs, the transferor's
 * BYE, the target's BYE), 14 messages in and 16 out; see {@link BlindTransferDriver}.
 * <ul>
 * <li>{@code blindTransfer}: the engine, no journal.</li>
 * <li>{@code blindTransferJournaled}: the same with the journal on, written as the live node writes it (see
 * {@code JournalRecovery.start}): every input through {@link JournalInputStage#append} (the inbound journal stage),
 * every domain event through {@link JournalEvents}, every output through {@link JournalSender}, all three through
 * one Chronicle sink on the engine thread (here the benchmark thread), into a Chronicle Queue in a temporary
 * directory, whose pages the journal's housekeeping thread pre-touches as in the node.</li>
 * <li>{@code harnessOnly}: the phones' share with no engine (build and parse the inputs, copy and parse what the
 * phones must answer) against one recorded transfer: engine cost = blindTransfer - harnessOnly.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true" })
public class EngineBlindTransferBenchmark
{
    @State(Scope.Thread)
    public static class WithEngine
    {
        BlindTransferDriver driver;

        @Setup(Level.Trial)
        public void setUp()
        {
            driver = BlindTransferDriver.withEngine();
        }

        @TearDown(Level.Iteration)
        public void checkEmpty()
        {
            BlindTransferEmptyCheck.check(driver);
        }
    }

    @State(Scope.Thread)
    public static class Journaled implements BlindTransferDriver.InputObserver
    {
        Path dir;
        Journal journal;
        JournalInputStage inputStage;
        JournalSender outputs;
        final InboundEvent inbound = new InboundEvent();
        BlindTransferDriver driver;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            dir = Files.createTempDirectory("referee-xfer-journal");
            journal = Journal.openForWriting(dir, JournalConfig.defaults());
            final RecordSink sink = journal.newSink();
            // The send stage's copy into the outbound ring is pipeline cost, not journal cost: a sender that takes all.
            outputs = new JournalSender((transport, destination, connectionId, buffer, offset, length) -> true, sink);
            inputStage = new JournalInputStage(sink, 0, null, outputs);
            inbound.type = InboundEvent.SIP;
            inbound.transport = Transport.UDP;
            inbound.local = BlindTransferDriver.REFEREE;
            inbound.connectionId = 0;
            driver = BlindTransferDriver.withEngine(new JournalEvents(sink), this);
        }

        @TearDown(Level.Iteration)
        public void checkEmpty()
        {
            BlindTransferEmptyCheck.check(driver);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            journal.close();
            try (Stream<Path> files = Files.walk(dir))
            {
                files.sorted(Comparator.reverseOrder()).forEach(path ->
                {
                    try
                    {
                        Files.delete(path);
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
        }

        public void onInput(final DirectBuffer buffer, final int length, final InetSocketAddress source,
            final long nowNs)
        {
            // In the node the UDP thread received into the ring slot; here the slot views the driver's buffer.
            inbound.data.wrap(buffer);
            inbound.length = length;
            inbound.source = source;
            inbound.timeNs = nowNs;
            inputStage.append(inbound);
        }

        public void onOutput(final InetSocketAddress destination, final DirectBuffer buffer, final int offset,
            final int length, final long nowNs)
        {
            // nowNs is the input's time, which the input stage gave the journal sender.
            outputs.send(Transport.UDP, destination, 0, buffer, offset, length);
        }
    }

    @State(Scope.Thread)
    public static class HarnessOnly
    {
        BlindTransferDriver driver;

        @Setup(Level.Trial)
        public void setUp()
        {
            driver = BlindTransferDriver.baseline(BlindTransferDriver.withEngine());
        }
    }

    @Benchmark
    public int blindTransfer(final WithEngine state)
    {
        return state.driver.transfer();
    }

    @Benchmark
    public int blindTransferJournaled(final Journaled state)
    {
        return state.driver.transfer();
    }

    @Benchmark
    public int harnessOnly(final HarnessOnly state)
    {
        return state.driver.transfer();
    }
}
