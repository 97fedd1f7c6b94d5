package dev.referee.engine.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.config.AddressSyntax;
import dev.referee.sip.AsciiView;
import dev.referee.sip.sdp.SessionDescription;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target over the SDP rewriter (Jazzer): an SDP body from the network, whatever it holds, either
 * is refused by {@link SdpRewriter#read} or gives a body that parses as SDP again with the same {@code m=} lines, each
 * with the port given or 0, no ICE attribute left, and every {@code c=} naming the relay (or 0.0.0.0, hold); it never
 * throws. Seeds: the SDP bodies in {@code SdpRewriterFuzzTestInputs}.
 */
class SdpRewriterFuzzTest
{
    private static final int[] PORTS = {30000, 30002, 0, 30006};
    private final SdpRewriter rewriter = new SdpRewriter(AddressSyntax.ipLiteral("203.0.113.5"));
    private final SessionDescription written = new SessionDescription();
    private final AsciiView view = new AsciiView();

    @FuzzTest(maxDuration = "30s")
    void outputIsSdpPointedAtTheRelayWithTheSameLines(final byte[] input)
    {
        final int lines = rewriter.read(new UnsafeBuffer(input), 0, input.length);
        if (lines < 0)
        {
            return;
        }
        final int length = rewriter.write(PORTS);
        if (length == SdpRewriter.TOO_LONG)
        {
            return;
        }
        assertTrue(written.wrap(rewriter.output(), 0, length), "the output is SDP");
        assertEquals(lines, written.mediaCount());
        for (int i = 0; i < lines; i++)
        {
            final int given = i < PORTS.length ? PORTS[i] : 0;
            assertEquals(rewriter.peer().relayable(i) ? given : 0, written.mediaPort(i), "m= port of line " + i);
            final AsciiView address = written.mediaConnectionAddress(i);
            assertTrue(address.isEmpty() || address.contentEquals("203.0.113.5") || address.contentEquals("0.0.0.0"),
                "c= of line " + i + ": " + address);
            for (final String ice : new String[] {"candidate", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite",
                "end-of-candidates", "remote-candidates"})
            {
                assertFalse(written.attribute(i, ice, view), ice);
            }
        }
    }
}
