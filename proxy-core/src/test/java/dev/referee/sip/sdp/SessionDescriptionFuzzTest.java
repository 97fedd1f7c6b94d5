package dev.referee.sip.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.referee.sip.AsciiView;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzz target over the SDP view (Jazzer); seeds in {@code SessionDescriptionFuzzTestInputs} are the
 * bodies of the RFC 4475 and SIPp scenario messages. Checks that every view stays inside the body, ports and
 * directions are in range, and that the result does not depend on where in a buffer the body lies (the engine reads
 * bodies in place in the receive buffer, at any offset).
 */
class SessionDescriptionFuzzTest
{
    private static final String[] ATTRIBUTES = {"rtpmap", "sendrecv", "ptime", "", "a"};

    private final SessionDescription first = new SessionDescription();
    private final SessionDescription second = new SessionDescription();
    private final AsciiView view = new AsciiView();
    private final AsciiView other = new AsciiView();

    @FuzzTest(maxDuration = "30s")
    void viewsStayInsideTheBodyAndDoNotDependOnItsOffset(final byte[] input)
    {
        final int lead = 3;
        final UnsafeBuffer atStart = new UnsafeBuffer(input.clone());
        final byte[] shifted = new byte[lead + input.length];
        System.arraycopy(input, 0, shifted, lead, input.length);
        final UnsafeBuffer atOffset = new UnsafeBuffer(shifted);

        final boolean valid = first.wrap(atStart, 0, input.length);
        assertEquals(valid, second.wrap(atOffset, lead, input.length), "same verdict at another offset");
        if (!valid)
        {
            return;
        }
        assertTrue(first.mediaCount() >= 0 && first.mediaCount() <= SessionDescription.MAX_MEDIA, "media count");
        assertEquals(first.mediaCount(), second.mediaCount(), "media count at another offset");
        inside(first.originUsername(), 0, input.length, "o= username");
        inside(first.originSessionId(), 0, input.length, "o= session id");
        inside(first.originSessionVersion(), 0, input.length, "o= version");
        inside(first.originAddress(), 0, input.length, "o= address");
        assertTrue(!first.originAddress().isEmpty(), "a valid SDP has an o= address");
        inside(first.connectionAddress(), 0, input.length, "c= address");
        same(first.originSessionId(), second.originSessionId(), "o= session id");
        same(first.originSessionVersion(), second.originSessionVersion(), "o= version");
        same(first.originAddress(), second.originAddress(), "o= address");
        same(first.connectionAddress(), second.connectionAddress(), "c= address");
        direction(first.direction());
        assertEquals(first.direction(), second.direction(), "session direction");
        attributes(-1, input.length);
        for (int m = 0; m < first.mediaCount(); m++)
        {
            assertTrue(first.mediaPort(m) >= 0 && first.mediaPort(m) <= 65535, "port");
            assertEquals(first.mediaPort(m), second.mediaPort(m), "port at another offset");
            direction(first.mediaDirection(m));
            assertEquals(first.mediaDirection(m), second.mediaDirection(m), "media direction");
            assertTrue(!first.mediaType(m).isEmpty() && !first.mediaProtocol(m).isEmpty(), "m= type and proto");
            inside(first.mediaType(m), 0, input.length, "m= type");
            inside(first.mediaProtocol(m), 0, input.length, "m= proto");
            inside(first.mediaFormats(m), 0, input.length, "m= formats");
            inside(first.mediaConnectionAddress(m), 0, input.length, "media c= address");
            same(first.mediaFormats(m), second.mediaFormats(m), "m= formats");
            same(first.mediaConnectionAddress(m), second.mediaConnectionAddress(m), "media c= address");
            attributes(m, input.length);
        }
    }

    private void attributes(final int media, final int length)
    {
        for (final String name : ATTRIBUTES)
        {
            final boolean found = first.attribute(media, name, view);
            assertEquals(found, second.attribute(media, name, other), "a=" + name + " at another offset");
            if (found)
            {
                inside(view, 0, length, "a=" + name);
                same(view, other, "a=" + name);
            }
        }
    }

    private static void direction(final int direction)
    {
        assertTrue(direction >= SessionDescription.SENDRECV && direction <= SessionDescription.INACTIVE,
            "direction " + direction);
    }

    private static void same(final AsciiView a, final AsciiView b, final String what)
    {
        assertEquals(a.toString(), b.toString(), what + " at another offset");
    }

    private static void inside(final AsciiView text, final int from, final int to, final String what)
    {
        if (!text.isEmpty())
        {
            assertTrue(text.offset() >= from && text.offset() + text.length() <= to,
                () -> what + " at " + text.offset() + "+" + text.length() + " outside [" + from + ", " + to + ")");
            for (int i = 0; i < text.length(); i++)
            {
                // One SDP line per value: a lone CR is tolerated as text (RFC 4566 §5 ends lines with LF).
                assertTrue(text.charAt(i) != '\n', what + " runs over a line end");
            }
        }
    }
}
