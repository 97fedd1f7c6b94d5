package dev.referee.transport;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.referee.pipeline.PipelineTestSupport.header;
import static dev.referee.pipeline.PipelineTestSupport.request;
import static dev.referee.pipeline.PipelineTestSupport.response;
import static dev.referee.transport.SourceTrunksTest.ip;
import static dev.referee.transport.SourceTrunksTest.trunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BorderGuardTest
{
    private static final List<TrunkSources> TRUNKS =
        List.of(trunk("pbx", "127.0.0.2"), trunk("carrier", "192.0.2.0/24"));
    private static final FloodConfig FLOOD = new FloodConfig(100, 200, 60_000);

    private final BorderGuard.Counters counters = new BorderGuard.Counters();
    private final InetSocketAddress pbx = source("127.0.0.2");
    private final InetSocketAddress carrier = source("192.0.2.9");
    private final InetSocketAddress stranger = source("127.0.0.3");

    @Test
    void shouldStampTheTrunkOfKnownSources()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());

        assertEquals(0, check(guard, invite("c1"), pbx));
        assertEquals(1, check(guard, invite("c2"), carrier));
        assertEquals(1, check(guard, response(200, "c2", "z9hG4bK-1", 1, "INVITE"), carrier));
        assertEquals(1, check(guard, ack("c2"), carrier));
        assertEquals(0, counters.unknownRejected().get() + counters.unknownDropped().get());
    }

    @Test
    void shouldRejectARequestFromAnUnknownSourceWithOneSmall403()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());
        final String invite = "INVITE sip:bob@example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.3:5099;branch=z9hG4bK-x1;rport, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-inner\r\n" +
            "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bK-more\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:alice@example.com>;tag=a1\r\n" +
            "To: <sip:bob@example.com>\r\n" +
            "Call-ID: reject-1\r\n" +
            "CSeq: 1 INVITE\r\n" +
            "User-Agent: " + "u".repeat(300) + "\r\n" +
            "Contact: <sip:alice@127.0.0.3:5099>\r\n" +
            "Content-Length: 0\r\n\r\n";

        assertEquals(BorderGuard.REJECT, check(guard, invite, stranger));

        final String answer = text(guard.response());
        assertTrue(answer.startsWith("SIP/2.0 403 Forbidden\r\n"), answer);
        assertEquals("SIP ;cause=403 ;text=\"source address not in any trunk\"", header(answer, "Reason"));
        assertEquals("SIP/2.0/UDP 127.0.0.3:5099;branch=z9hG4bK-x1;rport", header(answer, "Via"),
            "only the top Via: the answer goes straight back to the source");
        assertEquals(1, answer.split("Via:", -1).length - 1);
        assertEquals("<sip:alice@example.com>;tag=a1", header(answer, "From"));
        assertTrue(header(answer, "To").matches("<sip:bob@example.com>;tag=[0-9a-f]{8}"), header(answer, "To"));
        assertEquals("reject-1", header(answer, "Call-ID"));
        assertEquals("1 INVITE", header(answer, "CSeq"));
        assertNull(header(answer, "User-Agent"), "nothing else of the request is echoed");
        assertEquals("0", header(answer, "Content-Length"));
        assertTrue(answer.length() < 400, "no long header echoed: " + answer.length() + " bytes");

        final String options = request("OPTIONS", "o1", "z9hG4bK-o1", 1, "UDP", "");
        assertEquals(BorderGuard.REJECT, check(guard, options, stranger));
        assertTrue(text(guard.response()).length() <= options.length() + ForbiddenResponder.OWN_BYTES,
            "a 403 adds at most its own few bytes to what it copies");
        assertEquals(2, counters.unknownRejected().get());
    }

    @Test
    void shouldDropWhatA403CannotAnswerOrMustNot()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());

        assertEquals(BorderGuard.DROP, check(guard, response(200, "r", "z9hG4bK-1", 1, "INVITE"), stranger));
        assertEquals(BorderGuard.DROP, check(guard, ack("a"), stranger));
        assertEquals(BorderGuard.DROP, check(guard, invite("x".repeat(300)), stranger), "a Call-ID over the bound");
        assertEquals(BorderGuard.DROP, check(guard, "garbage\r\n\r\n", stranger));
        assertEquals(4, counters.unknownDropped().get());
        assertEquals(0, counters.unknownRejected().get());
    }

    @Test
    void shouldDropOrAllowUnknownSourcesAsConfigured()
    {
        final BorderGuard drop = guard(UnknownSources.DROP, List.of());
        assertEquals(BorderGuard.DROP, check(drop, invite("d1"), stranger));
        assertNull(drop.response());
        assertEquals(1, counters.unknownDropped().get());
        assertTrue(drop.refusesConnection(stranger));
        assertEquals(0, check(drop, invite("d2"), pbx));

        final BorderGuard allow = guard(UnknownSources.ALLOW, List.of());
        assertEquals(NO_TRUNK, check(allow, invite("a1"), stranger));
        assertEquals(NO_TRUNK, check(allow, response(180, "a1", "z9hG4bK-1", 1, "INVITE"), stranger));
        assertTrue(!allow.refusesConnection(stranger));
    }

    @Test
    void shouldBlockAFloodingUnknownSourceAfterItsBurstOf403s()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());
        final String invite = invite("flood");
        int rejected = 0;
        for (int i = 0; i < 5_000; i++)
        {
            if (check(guard, invite, stranger, i * 200_000L) == BorderGuard.REJECT) // 5,000/s
            {
                rejected++;
            }
        }
        // The burst, plus what the rate refills before the bucket runs dry (200 + 100/s * 200/4900 s).
        assertTrue(rejected >= 200 && rejected <= 210, "403s sent: " + rejected);
        assertEquals(5_000 - rejected, counters.floodDropped().get());
        assertEquals(1, counters.floodBlocks().get());
        assertEquals(0, check(guard, invite("legit"), pbx, 1_000_000_000L), "another source is not slowed");
    }

    @Test
    void shouldNotFloodLimitTrunksWithFloodOff()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of("carrier"));
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(1, check(guard, invite("c" + i), carrier, 0));
        }
        for (int i = 0; i < 1_000; i++)
        {
            check(guard, invite("p" + i), pbx, 0);
        }
        assertEquals(800, counters.floodDropped().get(), "the pbx trunk is limited: its burst of 200 went through");
    }

    @Test
    void shouldCountResponsesOfKnownSourcesNeverAsFlood()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());
        for (int i = 0; i < 1_000; i++)
        {
            assertEquals(0, check(guard, response(180, "r" + i, "z9hG4bK-" + i, 1, "INVITE"), pbx, 0));
        }
        assertEquals(0, counters.floodDropped().get());
    }

    private static final int NO_TRUNK = SourceTrunks.NO_TRUNK;

    @Test
    void shouldJudgeByTheReloadedTrunksFromTheNextMessageOn()
    {
        final BorderGuard guard = guard(UnknownSources.REJECT, List.of());
        assertEquals(BorderGuard.REJECT, check(guard, invite("r1"), stranger));
        assertEquals(0, check(guard, invite("r2"), pbx));

        // The stranger's address becomes a trunk of its own; the pbx leaves; unknown sources are now dropped.
        guard.reload(List.of(trunk("newcomer", "127.0.0.3")), new SecurityConfig(UnknownSources.DROP, FLOOD,
            List.of()));
        assertEquals(0, check(guard, invite("r3"), stranger), "the same source object, judged again");
        assertEquals(BorderGuard.DROP, check(guard, invite("r4"), pbx), "no longer in a trunk: dropped");
        assertEquals(1, counters.unknownRejected().get());
        assertEquals(1, counters.unknownDropped().get());
    }

    private BorderGuard guard(final UnknownSources unknown, final List<String> unlimited)
    {
        return new BorderGuard(TRUNKS, new SecurityConfig(unknown, FLOOD, unlimited), counters, 1024, 1);
    }

    private static int check(final BorderGuard guard, final String message, final InetSocketAddress source)
    {
        return check(guard, message, source, 0);
    }

    private static int check(final BorderGuard guard, final String message, final InetSocketAddress source,
        final long nowNs)
    {
        final byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
        return guard.check(new UnsafeBuffer(bytes), 0, bytes.length, source, nowNs);
    }

    private static String invite(final String callId)
    {
        return request("INVITE", callId, "z9hG4bK-" + callId.length(), 1, "UDP", "");
    }

    private static String ack(final String callId)
    {
        return request("ACK", callId, "z9hG4bK-a", 1, "UDP", "");
    }

    private static String text(final ByteBuffer buffer)
    {
        assertNotNull(buffer, "a 403 was written");
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static InetSocketAddress source(final String host)
    {
        try
        {
            return new InetSocketAddress(ip(host), 5099);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
