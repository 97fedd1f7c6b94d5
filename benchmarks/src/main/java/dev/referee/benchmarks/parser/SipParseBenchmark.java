package dev.referee.benchmarks.parser;

import dev.referee.sip.SipMessage;
import dev.referee.sip.sdp.SessionDescription;
import gov.nist.javax.sip.parser.StringMsgParser;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Parse throughput of one message kind, Referee against JAIN-SIP's {@link StringMsgParser} on the same bytes in the
 * same run. Run with {@code -prof gc} for bytes per parse ({@code gc.alloc.rate.norm}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED" })
public class SipParseBenchmark
{
    @Param({ "INVITE", "TRYING", "RINGING", "OK_INVITE", "ACK", "BYE", "OK_BYE", "REFER", "NOTIFY" })
    public String message;

    private final SipMessage refereeMessage = new SipMessage();
    private final SessionDescription refereeSdp = new SessionDescription();
    // One parser reused, as a JAIN-SIP message channel does; a new one per parse only adds garbage.
    private final StringMsgParser jainParser = new StringMsgParser();
    private byte[] bytes;
    private UnsafeBuffer buffer;

    @Setup
    public void setUp() throws Exception
    {
        bytes = SipCorpus.byName(message);
        buffer = new UnsafeBuffer(bytes);
        // Fail at once, not after minutes of measuring, when either parser refuses a message.
        ParseWork.referee(refereeMessage, refereeSdp, buffer, bytes.length);
        ParseWork.jainSip(jainParser, bytes);
    }

    @Benchmark
    public long referee()
    {
        return ParseWork.referee(refereeMessage, refereeSdp, buffer, bytes.length);
    }

    @Benchmark
    public long jainSip() throws Exception
    {
        return ParseWork.jainSip(jainParser, bytes);
    }
}
