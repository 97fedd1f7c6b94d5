package dev.referee.benchmarks.engine;

import dev.referee.config.RefereeConfig.JournalConfig;
import dev.referee.engine.Engine;
import dev.referee.engine.EngineCounters;
import dev.referee.journal.InputFeeder;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalSender;
import dev.referee.journal.OutputCheck;
import dev.referee.journal.RecordSink;
import dev.referee.journal.RecordedInputs;
import dev.referee.journal.SyntheticCalls;
import dev.referee.journal.SyntheticRecordings;
import dev.referee.pipeline.InboundEvent;
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
 * The engine alone, on one thread, fed recorded inputs: whole blind transfers and basic calls, each one invocation
 * of {@value #TRANSFERS} transfers (or {@value #CALLS} calls) replayed into a fresh engine built with the recording's
 * configuration and seed. Scores are per transfer (per call).
 * <p>
 * The inputs are made once per trial by {@link SyntheticRecordings} (scripted phones driving a real engine) and kept
 * as one byte array per message with its source and time, so the measured loop does only what the engine thread of
 * a node and the parse stage before it do: parse each message into one reused {@link SipMessage} and hand it to
 * {@code Engine.onMessage} (ticks to {@code onTick}). A replay of the same inputs from the same seed is the same
 * run: the trial set-up replays once with a sender that checks every output byte for byte against the recording,
 * and every invocation must end with every call gone and the recorded number of messages sent.
 * <ul>
 * <li>{@code blindTransfer}: RFC 5589 §6.1 blind transfers (callee transfers the caller; 16 inputs including the
 * answers to the NOTIFYs, 18 messages sent per transfer), journal off, a sender that only counts.</li>
 * <li>{@code blindTransferJournaled}: the same with the journal on as the node writes it: every input appended by
 * {@link JournalInputStage#append} before the engine sees it, every output by {@link JournalSender}, every domain
 * event by {@link JournalEvents}, all through one Chronicle sink on this thread into a queue in a temporary
 * directory.</li>
 * <li>{@code basicCall}: INVITE, 180, 200, ACK, BYE, 200.</li>
 * <li>{@code harnessOnly}: the transfers' loop with the parse and no engine: what the harness adds to
 * {@code blindTransfer}.</li>
 * </ul>
 * Each recording ends with 40 s of ticks (every 10 ms) so that every transaction's timers (J, K, L, D) run out
 * within the invocation: the work each call causes after its last message is measured too. Engine time moves 1 ms
 * per message, so a batch spans about 20 s of engine time and the engine carries the transactions of the last
 * 32 s.
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
     * Whole replays run in the trial set-up before JMH's warm-up: C2 has compiled the engine's paths before the
     * (short) warm-up iterations start, so that these measure a compiled engine, not the compiler.
     */
    static final int WARM_UP_REPLAYS = 3;

    /** A recording replayed into a fresh engine per invocation, journal off. */
    public abstract static class Replay
    {
        final InputFeeder feeder = new InputFeeder();
        final CountingSender sender = new CountingSender();
        RecordedInputs inputs;
        Engine engine;

        abstract RecordedInputs record();

        @Setup(Level.Trial)
        public void recordAndCheck()
        {
            inputs = record();
            OutputCheck.verifyReplay(inputs);
            for (int i = 0; i < WARM_UP_REPLAYS; i++)
            {
                freshEngine();
                replay();
                checkEnded();
            }
        }

        int replay()
        {
            final RecordedInputs inputs = this.inputs;
            final InputFeeder feeder = this.feeder;
            final Engine engine = this.engine;
            for (int i = 0, n = inputs.size(); i < n; i++)
            {
                feeder.feed(inputs, i, engine);
            }
            return engine.activeCalls();
        }

        @Setup(Level.Invocation)
        public void freshEngine()
        {
            sender.sent = 0;
            engine = new Engine(inputs.config(), sender, new EngineCounters());
        }

        @TearDown(Level.Invocation)
        public void checkEnded()
        {
            checkRun(engine, sender, inputs);
        }
    }

    @State(Scope.Thread)
    public static class Transfers extends Replay
    {
        RecordedInputs record()
        {
            return SyntheticRecordings.blindTransfers(TRANSFERS, SEED);
        }
    }

    @State(Scope.Thread)
    public static class BasicCalls extends Replay
    {
        RecordedInputs record()
        {
            return SyntheticRecordings.basicCalls(CALLS, SEED);
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
            inputs = SyntheticRecordings.blindTransfers(TRANSFERS, SEED);
        }
    }

    /** The transfers with the journal on: a fresh engine, input stage and output journal per invocation. */
    @State(Scope.Thread)
    public static class JournaledTransfers
    {
        final InputFeeder feeder = new InputFeeder();
        final CountingSender sender = new CountingSender();
        final InboundEvent inbound = new InboundEvent();
        RecordedInputs inputs;
        Path dir;
        Journal journal;
        RecordSink sink;
        JournalInputStage inputStage;
        Engine engine;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            inputs = SyntheticRecordings.blindTransfers(TRANSFERS, SEED);
            OutputCheck.verifyReplay(inputs);
            dir = Files.createTempDirectory("referee-engine-journal");
            journal = Journal.openForWriting(dir, JournalConfig.defaults());
            sink = journal.newSink();
            inbound.local = SyntheticCalls.REFEREE;
            for (int i = 0; i < WARM_UP_REPLAYS; i++)
            {
                freshEngine();
                replay();
                checkEnded();
            }
        }

        int replay()
        {
            final RecordedInputs inputs = this.inputs;
            final InputFeeder feeder = this.feeder;
            final Engine engine = this.engine;
            for (int i = 0, n = inputs.size(); i < n; i++)
            {
                journal(i);
                feeder.feed(inputs, i, engine);
            }
            return engine.activeCalls();
        }

        @Setup(Level.Invocation)
        public void freshEngine()
        {
            sender.sent = 0;
            // As JournalRecovery wires the node: outputs journaled on the engine thread, behind the send stage.
            final JournalSender outputs = new JournalSender(sender, sink);
            inputStage = new JournalInputStage(sink, 0, null, outputs);
            engine = new Engine(inputs.config(), outputs, new EngineCounters(), new JournalEvents(sink));
        }

        @TearDown(Level.Invocation)
        public void checkEnded()
        {
            checkRun(engine, sender, inputs);
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

        /** Journals input {@code i} as the inbound journal stage does: from the slot the receive thread filled. */
        void journal(final int i)
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
    }

    static void checkRun(final Engine engine, final CountingSender sender, final RecordedInputs inputs)
    {
        if (engine.activeCalls() != 0 || engine.dialogs() != 0 || sender.sent != inputs.outputs().size())
        {
            throw new IllegalStateException("replay ended with calls=" + engine.activeCalls() + " dialogs=" +
                engine.dialogs() + ", sent " + sender.sent + " of " + inputs.outputs().size() + " recorded");
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
