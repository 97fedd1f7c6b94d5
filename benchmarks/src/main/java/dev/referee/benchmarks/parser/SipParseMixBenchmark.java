package dev.referee.benchmarks.parser;

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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Parse throughput over the whole corpus, one of each message per invocation, so branch prediction and the JIT see
 * a realistic mix rather than one message shape. Scores are per message (ops = messages parsed).
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

    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long referee()
    {
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
        long sum = 0;
        for (int i = 0; i < MESSAGES; i++)
        {
            sum += ParseWork.jainSip(jainParser, bytes[i]);
        }
        return sum;
    }
}
