package dev.referee.benchmarks.engine;

import dev.referee.benchmarks.CpuClock;
import dev.referee.engine.Engine;
import dev.referee.engine.config.EngineConfig;
import dev.referee.engine.counters.EngineCounters;
import dev.referee.journal.InputFeeder;
import dev.referee.journal.Journal;
import dev.referee.journal.JournalConfig;
import dev.referee.journal.JournalEvents;
import dev.referee.journal.JournalInputStage;
import dev.referee.journal.JournalSender;
import dev.referee.journal.OutputCheck;
import dev.referee.journal.OutputRecords;
import dev.referee.journal.RecordSink;
import dev.referee.journal.RecordedInputs;
import dev.referee.journal.SyntheticCalls;
import dev.referee.journal.SyntheticRecordings;
import dev.referee.ring.InboundEvent;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The engine alone, on one thread, fed recorded inputs: whole blind transfers and basic calls, each invocation
 * {@value #TRANSFERS} transfers (or {@value #CALLS} calls) replayed into an engine that has been running. Scores are
 * per transfer (per call).
 * <p>
 * The inputs are made once per trial by {@link SyntheticRecordings} (scripted phones driving a real engine): one long
 * run of {@value #CHUNKS} invocations' worth, cut into chunks that are replayed in order into one engine, so that an
 * invocation finds the engine as a node runs it: the transactions of earlier calls still waiting for their timers,
 * its tables grown, its buffers for message copies given back and reused. Only the first chunk of a cycle meets a
 * fresh engine, and it is replayed in the set-up, not measured; the last drains the engine. Before each invocation
 * the chunk's messages are parsed ({@link ParsedInputs}), so the measured loop does only what the engine thread of a
 * node does: hand each parsed message to {@code Engine.onMessage} (ticks to {@code onTick}). In the node the receive
 * threads parse; their share is {@code parseOnly}, measured apart. A replay of the same inputs from the same seed
 * is the same run: the trial set-up replays every chunk once with a sender that checks every output byte for byte
 * against the recording, and every invocation must send the chunk's recorded number of messages (the last, end with
 * every call gone).
 * <ul>
 * <li>{@code blindTransfer}: RFC 5589 §6.1 blind transfers (the callee transfers the caller to a target that
 * rings, answers and is joined by a re-INVITE; the transferor, then the target, hang up; 14 messages in, with the
 * answers to the NOTIFYs, and 16 out per transfer), journal off, a sender that only counts.</li>
 * <li>{@code blindTransferParsedWhenFed}: the same with each message parsed just before the engine takes it (one
 * reused message, hot in the caches): a node's engine thread reading its sockets itself, parsing included.</li>
 * <li>{@code blindTransferJournaled}: the same with the journal on as the node writes it: every input appended by
 * {@link JournalInputStage#append} before the engine sees it, every output by {@link JournalSender}, every domain
 * event by {@link JournalEvents}, all through one Chronicle sink on this thread into a queue in a temporary
 * directory.</li>
 * <li>{@code basicCall}: INVITE, 180, 200, ACK, BYE, 200.</li>
 * <li>{@code harnessOnly}: the transfers' loop with no engine: what the harness adds to {@code blindTransfer}.</li>
 * <li>{@code parseOnly}: the transfers' messages parsed, as the receive threads do in the node (not the engine
 * thread's work).</li>
 * </ul>
 * The recordings are {@link SyntheticRecordings#DENSE}: 10 us of engine time between messages and T1 = 5 ms, so that
 * the engine's timer wheel (polled every millisecond of engine time) costs a transfer what it would at a high rate,
 * and transactions wait 64*T1 (320 ms, two to three chunks) for Timers J, K, L and D: the work each call causes after
 * its last message is measured too, in later chunks, as a node does it. The parsed messages of a chunk (about 5 KB
 * each) are mostly out of the caches when the engine reads them, where in a node the receive thread has just written
 * them: if anything, the engine is charged more here. Besides JMH's score, each iteration prints the benchmark
 * thread's CPU time per operation ({@link CpuClock}), which another process's load on a shared machine does not
 * stretch.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {
    "-Xms2g", "-Xmx2g",
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
    /** Chunks of a recording: the first warms a fresh engine (not measured), the others meet a running one. */
    static final int CHUNKS = 8;
    static final long SEED = 42;
    /**
     * Whole cycles over the chunks run in the trial set-up before JMH's warm-up: C2 has compiled the engine's paths
     * before the short warm-up iterations start, so that these measure a compiled engine and not the compiler,
     * which on a shared two-core machine was still at work in the measured iterations otherwise.
     */
    static final int WARM_UP_CYCLES = 6;

    /**
     * A recording replayed chunk by chunk into an engine that lives from one invocation to the next; subclasses
     * choose the recording and how inputs reach the engine (journaled or not).
     */
    @State(Scope.Thread)
    public abstract static class Replay
    {
        /**
         * RFC 3261's T1 in the recording, in microseconds of engine time: completed transactions wait 64*T1 for their
         * last timers, so this sets how much waiting state the engine holds beside the calls under way (see the class
         * comment); {@code -p t1Us=1000,5000,10000} measures what that state costs.
         */
        @Param({ "5000" })
        public long t1Us;
        final CountingSender sender = new CountingSender();
        final ParsedInputs parsed = new ParsedInputs();
        List<RecordedInputs> chunks;
        /** The chunk the next invocation replays; 0 means a fresh engine first. */
        int next;
        Engine engine;
        CpuClock cpu;

        abstract List<RecordedInputs> record();

        abstract int opsPerInvocation();

        /** {@link SyntheticRecordings#DENSE} with {@link #t1Us}. */
        final SyntheticRecordings.TimeScale scale()
        {
            return new SyntheticRecordings.TimeScale(SyntheticRecordings.DENSE.stepNs(), t1Us * 1_000);
        }

        /** Builds the engine (and what stands around it) for a cycle over the chunks. */
        Engine newEngine(final EngineConfig config)
        {
            return new Engine(config, sender, new EngineCounters());
        }

        /** Hands input {@code i} of the parsed chunk to the engine. */
        void feed(final int i)
        {
            parsed.feed(i, engine);
        }

        /** Called once the recording is made and checked. */
        void prepare() throws IOException
        {
        }

        @Setup(Level.Trial)
        public void recordAndCheck() throws IOException
        {
            chunks = record();
            OutputCheck.verifyReplay(chunks);
            cpu = new CpuClock(getClass().getSimpleName(), opsPerInvocation());
            prepare();
            for (int i = 0; i < WARM_UP_CYCLES * (CHUNKS - 1); i++)
            {
                nextChunk();
                replay();
                checkChunk();
            }
            cpu.report();
        }

        final int replay()
        {
            for (int i = 0, n = parsed.size(); i < n; i++)
            {
                feed(i);
            }
            return engine.activeCalls();
        }

        @Setup(Level.Invocation)
        public void nextChunk()
        {
            if (next == 0)
            {
                engine = newEngine(chunks.get(0).config());
                startChunk();
                replay();
                checkEnded(chunks.get(0));
                next = 1;
            }
            startChunk();
            cpu.start();
        }

        private void startChunk()
        {
            load(chunks.get(next));
            sender.sent = 0;
        }

        /** Readies {@code chunk}'s inputs for {@link #feed}: parsed before the invocation. */
        void load(final RecordedInputs chunk)
        {
            parsed.fill(chunk);
        }

        @TearDown(Level.Invocation)
        public void checkChunk()
        {
            cpu.stop();
            checkEnded(chunks.get(next));
            next = (next + 1) % chunks.size();
        }

        private void checkEnded(final RecordedInputs chunk)
        {
            if (sender.sent != chunk.outputs().size())
            {
                throw new IllegalStateException("chunk " + next + " sent " + sender.sent + " of " +
                    chunk.outputs().size() + " recorded");
            }
            if (next == chunks.size() - 1 && (engine.activeCalls() != 0 || engine.dialogs() != 0))
            {
                throw new IllegalStateException("replay ended with calls=" + engine.activeCalls() + " dialogs=" +
                    engine.dialogs());
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
        List<RecordedInputs> record()
        {
            return SyntheticRecordings.blindTransferChunks(CHUNKS, TRANSFERS, SEED, scale());
        }

        int opsPerInvocation()
        {
            return TRANSFERS;
        }
    }

    /**
     * The transfers, each message parsed just before the engine takes it, into one reused message: the engine thread's
     * work in a node that reads its sockets itself (parsing included), with each message hot in the caches as there,
     * where {@link Transfers} hands over messages parsed before the invocation, most of them out of the caches by then.
     */
    @State(Scope.Thread)
    public static class TransfersParsedWhenFed extends Transfers
    {
        @Override
        void load(final RecordedInputs chunk)
        {
            parsed.wrapOnly(chunk);
        }

        @Override
        void feed(final int i)
        {
            parsed.feedJustParsed(i, engine);
        }
    }

    @State(Scope.Thread)
    public static class BasicCalls extends Replay
    {
        List<RecordedInputs> record()
        {
            return SyntheticRecordings.basicCallChunks(CHUNKS, CALLS, SEED, scale());
        }

        int opsPerInvocation()
        {
            return CALLS;
        }
    }

    /** The transfers with the journal on: an input stage and output journal with each engine, one queue throughout. */
    @State(Scope.Thread)
    public static class JournaledTransfers extends Transfers
    {
        /** {@code journal.outputs}: {@code full} (the node's default) or {@code digest} ({@code -p outputs=digest}). */
        @Param({ "full" })
        public String outputs;
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
        Engine newEngine(final EngineConfig config)
        {
            // As NodeAssembly (ops) wires the node: outputs journaled on the engine thread, behind the send stage.
            final JournalSender journaled = new JournalSender(sender, sink,
                OutputRecords.valueOf(outputs.toUpperCase(java.util.Locale.ROOT)));
            inputStage = new JournalInputStage(sink, 0, null, journaled);
            return new Engine(config, journaled, new EngineCounters(), new JournalEvents(sink));
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
            final RecordedInputs inputs = parsed.inputs();
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
        final ParsedInputs parsed = new ParsedInputs();
        RecordedInputs inputs;

        @Setup(Level.Trial)
        public void record()
        {
            inputs = SyntheticRecordings.blindTransfers(TRANSFERS, SEED, SyntheticRecordings.DENSE);
            parsed.fill(inputs);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int blindTransfer(final Transfers state)
    {
        return state.replay();
    }

    /** {@code blindTransfer} with each message parsed as it is fed: the run-to-completion engine thread's work. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int blindTransferParsedWhenFed(final TransfersParsedWhenFed state)
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

    /** The harness's share of {@code blindTransfer}: the same loop over the parsed inputs, no engine. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public long harnessOnly(final TransferInputs state)
    {
        final ParsedInputs parsed = state.parsed;
        long sum = 0;
        for (int i = 0, n = parsed.size(); i < n; i++)
        {
            sum += parsed.touch(i);
        }
        return sum;
    }

    /** The receive threads' share in the node, not the engine thread's: every message of the transfers parsed. */
    @Benchmark
    @OperationsPerInvocation(TRANSFERS)
    public int parseOnly(final TransferInputs state)
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
