package dev.referee.benchmarks.engine;

import dev.referee.engine.Engine;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.journal.InputFeeder;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalSender;
import dev.referee.journal.OutputCheck;
import dev.referee.journal.RecordSink;
import dev.referee.journal.RecordedInputs;
import dev.referee.journal.SyntheticCalls;
import dev.referee.journal.SyntheticRecordings;
import dev.referee.ring.InboundEvent;
import dev.referee.sip.SipMessage;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The engine alone, on one thread, fed recorded inputs: whole blind transfers and basic calls, each invocation
 * {@value #TRANSFERS} transfers (or {@value #CALLS} calls) replayed into a fresh engine built with the recording's
 * configuration and seed. Scores are per transfer (per call).
 * <p>
 * The inputs are made once per trial by {@link SyntheticRecordings} (scripted phones driving a real engine) and kept
 * as one byte array per message with its source and time, so the measured loop does only what the parse stage and
 * the engine thread of a node do: parse each message into one reused {@link SipMessage} and hand it to
 * {@code Engine.onMessage} (ticks to {@code onTick}). A replay of the same inputs from the same seed is the same
 * run: the trial set-up replays once with a sender that checks every output byte for byte against the recording,
 * and every invocation must end with every call gone and the recorded number of messages sent.
 * <ul>
 * <li>{@code blindTransfer}: RFC 5589 §6.1 blind transfers (the callee transfers the caller to a target that
 * rings, answers and is joined by a re-INVITE; the transferor, then the target, hang up; 14 messages in, with the
 * answers to the NOTIFYs, and 16 out per transfer), journal off, a sender that only counts.</li>
 * <li>{@code blindTransferJournaled}: the same with the journal on as the node writes it: every input appended by
 * {@link JournalInputStage#append} before the engine sees it, every output by {@link JournalSender}, every domain
 * event by {@link JournalEvents}, all through one Chronicle sink on this thread into a queue in a temporary
 * directory.</li>
 * <li>{@code basicCall}: INVITE, 180, 200, ACK, BYE, 200.</li>
 * <li>{@code harnessOnly}: the transfers' loop with the parse and no engine: what the harness adds to
 * {@code blindTransfer}.</li>
 * </ul>
 * The recordings are {@link SyntheticRecordings#DENSE}: 10 us of engine time between messages and T1 = 5 ms, so that
 * the engine's timer wheel (polled every millisecond of engine time) costs a transfer what it would at a high rate,
 * and each ends with 64*T1 and more of ticks (every 10 ms), so that every transaction's timers (J, K, L, D) run out
 * within the invocation: the work each call causes after its last message is measured too. Besides JMH's score,
 * each iteration prints the benchmark thread's CPU time per operation ({@link CpuClock}), which another process's
 * load on a shared machine does not stretch.
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
public class EngineAloneBenchmark
{
    static final int TRANSFERS = 1_000;
    static final int CALLS = 2_000;
    static final long SEED = 42;
    /**
     * Whole replays run in the trial set-up before JMH's warm-up (about 2 s once compiled): C2 has compiled the
     * engine's paths before the short warm-up iterations start, so that these measure a compiled engine and not the
     * compiler, which on a shared two-core machine was still at work in the measured iterations with 3 or 10.
     */
    static final int WARM_UP_REPLAYS = 50;

    /**
     * A recording replayed into a fresh engine per invocation; subclasses choose the recording and how inputs reach
     * the engine (parsed in the loop or before, journaled or not).
     */
    public abstract static class Replay
    {
        final InputFeeder feeder = new InputFeeder();
        final CountingSender sender = new CountingSender();
        RecordedInputs inputs;
        Engine engine;
        CpuClock cpu;

        abstract RecordedInputs record();

        abstract int opsPerInvocation();

        /** Builds the engine (and what stands around it) for one invocation. */
        Engine newEngine()
        {
            return new Engine(inputs.config(), sender, new EngineCounters());
        }

        /** Hands input {@code i} to the engine. */
        void feed(final int i)
        {
            feeder.feed(inputs, i, engine);
        }

        /** Called once the recording is made and checked. */
        void prepare() throws IOException
        {
        }

        @Setup(Level.Trial)
        public void recordAndCheck() throws IOException
        {
            inputs = record();
            OutputCheck.verifyReplay(inputs);
            cpu = new CpuClock(getClass().getSimpleName(), opsPerInvocation());
            prepare();
            for (int i = 0; i < WARM_UP_REPLAYS; i++)
            {
                freshEngine();
                replay();
                checkEnded();
            }
            cpu.report();
        }

        final int replay()
        {
            for (int i = 0, n = inputs.size(); i < n; i++)
            {
                feed(i);
            }
            return engine.activeCalls();
        }

        @Setup(Level.Invocation)
        public void freshEngine()
        {
            sender.sent = 0;
            engine = newEngine();
            cpu.start();
        }

        @TearDown(Level.Invocation)
        public void checkEnded()
        {
            cpu.stop();
            if (engine.activeCalls() != 0 || engine.dialogs() != 0 || sender.sent != inputs.outputs().size())
            {
                throw new IllegalStateException("replay ended with calls=" + engine.activeCalls() + " dialogs=" +
                    engine.dialogs() + ", sent " + sender.sent + " of " + inputs.outputs().size() + " recorded");
            }
        }

        @TearDown(Level.Iteration)
        public void reportCpu()
        {
            cpu.report();
        }
    }

    @State(Scope.Thread)
    public static class Transfers extends Replay
    {
        RecordedInputs record()
        {
            return SyntheticRecordings.blindTransfers(TRANSFERS, SEED, SyntheticRecordings.DENSE);
        }

        int opsPerInvocation()
        {
            return TRANSFERS;
        }
    }

    @State(Scope.Thread)
    public static class BasicCalls extends Replay
    {
        RecordedInputs record()
        {
            return SyntheticRecordings.basicCalls(CALLS, SEED, SyntheticRecordings.DENSE);
        }

        int opsPerInvocation()
        {
            return CALLS;
        }
    }

    /** The transfers with the journal on: a fresh engine, input stage and output journal per invocation. */
    @State(Scope.Thread)
    public static class JournaledTransfers extends Transfers
    {
        final InboundEvent inbound = new InboundEvent();
        Path dir;
        Journal journal;
        RecordSink sink;
        JournalInputStage inputStage;

        @Override
        void prepare() throws IOException
        {
            dir = Files.createTempDirectory("referee-engine-journal");
            journal = Journal.openForWriting(dir, JournalConfig.defaults());
            sink = journal.newSink();
            inbound.local = SyntheticCalls.REFEREE;
        }

        @Override
        Engine newEngine()
        {
            // As NodeAssembly (ops) wires the node: outputs journaled on the engine thread, behind the send stage.
            final JournalSender outputs = new JournalSender(sender, sink);
            inputStage = new JournalInputStage(sink, 0, null, outputs);
            return new Engine(inputs.config(), outputs, new EngineCounters(), new JournalEvents(sink));
        }

        @Override
        void feed(final int i)
        {
            journal(i);
            super.feed(i);
        }

        /** Journals input {@code i} as the inbound journal stage does: from the slot the receive thread filled. */
        private void journal(final int i)
        {
            final InboundEvent event = inbound;
            if (inputs.isTick(i))
            {
                event.type = InboundEvent.TICK;
            }
            else
            {
                event.type = InboundEvent.SIP;
                event.length = inputs.wrap(i, event.data);
                event.transport = inputs.transport(i);
                event.source = inputs.source(i);
                event.connectionId = inputs.connectionId(i);
            }
            event.timeNs = inputs.timeNs(i);
            inputStage.append(event);
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
    }

    /** The transfers' inputs for the harness alone: no engine. */
    @State(Scope.Thread)
    public static class TransferInputs
    {
        final InputFeeder feeder = new InputFeeder();
        RecordedInputs inputs;

        @Setup(Level.Trial)
        public void record()
        {
            inputs = SyntheticRecordings.blindTransfers(TRANSFERS, SEED, SyntheticRecordings.DENSE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int blindTransfer(final Transfers state)
    {
        return state.replay();
    }

    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int blindTransferJournaled(final JournaledTransfers state)
    {
        return state.replay();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int basicCall(final BasicCalls state)
    {
        return state.replay();
    }

    /** The harness's share of {@code blindTransfer}: the same loop and parses, no engine. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int harnessOnly(final TransferInputs state)
    {
        final RecordedInputs inputs = state.inputs;
        final InputFeeder feeder = state.feeder;
        int parsed = 0;
        for (int i = 0, n = inputs.size(); i < n; i++)
        {
            if (!inputs.isTick(i) && feeder.parse(inputs, i))
            {
                parsed++;
            }
        }
        return parsed;
    }
}
