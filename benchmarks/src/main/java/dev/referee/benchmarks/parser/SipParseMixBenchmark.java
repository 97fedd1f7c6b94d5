package dev.referee.benchmarks.parser;

import dev.referee.benchmarks.CpuClock;
import dev.referee.sip.SipMessage;
import dev.referee.sip.sdp.SessionDescription;
import gov.nist.javax.sip.parser.StringMsgParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * Parse throughput over the whole corpus, one of each message per invocation, so branch prediction and the JIT see
 * a realistic mix rather than one message shape. Scores are per message (ops = messages parsed). Each iteration also
 * prints the benchmark thread's CPU time per message ({@link CpuClock}, "[cpu] referee" / "[cpu] jainSip"): on a
 * shared machine the ratio of the two CPU figures is steadier than the ratio of the scores, which another process's
 * load stretches.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class SipParseMixBenchmark
{
    private static final int MESSAGES = 9;

    private final SipMessage refereeMessage = new SipMessage();
    private final SessionDescription refereeSdp = new SessionDescription();
    private final StringMsgParser jainParser = new StringMsgParser();
    private byte[][] bytes;
    private UnsafeBuffer[] buffers;
    private CpuClock cpu;
    private long invocations;

    @Setup
    public void setUp()
    {
        bytes = SipCorpus.all();
        if (bytes.length != MESSAGES)
        {
            throw new IllegalStateException("@OperationsPerInvocation must equal the corpus size " + bytes.length);
        }
        buffers = new UnsafeBuffer[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            buffers[i] = new UnsafeBuffer(bytes[i]);
        }
    }

    @Setup(Level.Iteration)
    public void startIteration(final BenchmarkParams params)
    {
        final String benchmark = params.getBenchmark();
        cpu = new CpuClock(benchmark.substring(benchmark.lastIndexOf('.') + 1), MESSAGES);
        invocations = 0;
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void endIteration()
    {
        cpu.stop(invocations);
        cpu.report();
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long referee()
    {
        invocations++;
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++)
        {
            sum += ParseWork.referee(refereeMessage, refereeSdp, buffers[i], bytes[i].length);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long jainSip() throws Exception
    {
        invocations++;
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++)
        {
            sum += ParseWork.jainSip(jainParser, bytes[i]);
        }
        return sum;
    }
}
