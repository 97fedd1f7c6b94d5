package dev.referee.transport;

import dev.referee.pipeline.EchoEngine;
import dev.referee.pipeline.SipPipeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.referee.pipeline.PipelineTestSupport.*;
import static dev.referee.transport.TcpTransportTest.connect;
import static dev.referee.transport.TcpTransportTest.readExactly;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code tcp.*} limits on real sockets, with the TCP thread's clock stepped by the test: time only moves when the
 * test says so, and the thread's periodic sweep (at most a second of real time apart) applies it.
 */
class TcpLimitsTest
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    /** Idle 60 s, read 10 s. */
    private static final TcpConfig TCP = new TcpConfig(3, 60_000, 10_000);

    private final AtomicLong nowNs = new AtomicLong(1_000 * SECOND_NS);
    private final EchoEngine engine = new EchoEngine();
    private SipPipeline pipeline;

    @AfterEach
    void after()
    {
        if (pipeline != null)
        {
            pipeline.close();
        }
    }

    @Test
    void shouldCloseAConnectionWhoseMessageStaysIncompleteForTheReadTimeout() throws Exception
    {
        start(SecurityConfig.defaults(false));
        try (Socket slow = connect(pipeline.localAddress(Transport.TCP));
            Socket quiet = connect(pipeline.localAddress(Transport.TCP)))
        {
            await("connections open", () -> pipeline.counters().tcpConnectionsOpen() == 2);
            final OutputStream out = slow.getOutputStream();
            final byte[] first = bytes("OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5099");
            out.write(first);
            await("partial read", () -> pipeline.counters().tcpBytesReceived.get() == first.length);

            nowNs.addAndGet(9 * SECOND_NS);
            final byte[] more = bytes(";branch=z9hG4bK-slow\r\n"); // still trickling: the first byte's time counts
            out.write(more);
            await("more read", () -> pipeline.counters().tcpBytesReceived.get() == first.length + more.length);
            assertEquals(2, pipeline.counters().tcpConnectionsOpen());
            nowNs.addAndGet(SECOND_NS);
            await("slowloris closed", () -> pipeline.counters().tcpReadTimeouts.get() == 1);
            assertEquals(-1, slow.getInputStream().read());

            // The quiet connection holds no partial message: the read timeout does not apply to it.
            assertEquals(1, pipeline.counters().tcpConnectionsOpen());
            final String request = request("OPTIONS", "quiet@test", "z9hG4bK-q", 1, "TCP", "");
            quiet.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(quiet.getInputStream(), bytes(request).length));
        }
        assertEquals(0, pipeline.counters().tcpIdleClosed.get());
    }

    @Test
    void shouldCloseAConnectionIdleForTheIdleTimeoutOnly() throws Exception
    {
        start(SecurityConfig.defaults(false));
        try (Socket idle = connect(pipeline.localAddress(Transport.TCP));
            Socket busy = connect(pipeline.localAddress(Transport.TCP)))
        {
            await("connections open", () -> pipeline.counters().tcpConnectionsOpen() == 2);
            nowNs.addAndGet(59 * SECOND_NS);
            final String request = request("OPTIONS", "busy@test", "z9hG4bK-b", 1, "TCP", "");
            busy.getOutputStream().write(bytes(request));
            assertEquals(request, readExactly(busy.getInputStream(), bytes(request).length));
            assertEquals(2, pipeline.counters().tcpConnectionsOpen(), "59 s idle is not yet 60");

            nowNs.addAndGet(SECOND_NS);
            await("idle closed", () -> pipeline.counters().tcpIdleClosed.get() == 1);
            assertEquals(-1, idle.getInputStream().read());
            assertEquals(1, pipeline.counters().tcpConnectionsOpen(), "the busy one read and wrote a second ago");
        }
        assertEquals(0, pipeline.counters().tcpReadTimeouts.get());
    }

    @Test
    void shouldAcceptAndCloseConnectionsBeyondTheMaximum() throws Exception
    {
        start(SecurityConfig.defaults(false));
        try (Socket a = connect(pipeline.localAddress(Transport.TCP));
            Socket b = connect(pipeline.localAddress(Transport.TCP));
            Socket c = connect(pipeline.localAddress(Transport.TCP));
            Socket d = connect(pipeline.localAddress(Transport.TCP)))
        {
            await("three open, one refused", () -> pipeline.counters().tcpConnectionsOpen() == 3 &&
                pipeline.counters().tcpConnectionsRefused.get() == 1);
            assertEquals(-1, d.getInputStream().read(), "the fourth is closed at once");

            a.close();
            await("a closed", () -> pipeline.counters().tcpConnectionsOpen() == 2);
            try (Socket e = connect(pipeline.localAddress(Transport.TCP)))
            {
                final String request = request("OPTIONS", "e@test", "z9hG4bK-e", 1, "TCP", "");
                e.getOutputStream().write(bytes(request));
                assertEquals(request, readExactly(e.getInputStream(), bytes(request).length), "room again");
            }
        }
    }

    @Test
    void shouldAnswerUnknownSourcesWith403OrCloseTheirConnections() throws Exception
    {
        final List<TrunkSources> onlyOther = List.of(SourceTrunksTest.trunk("other", "127.0.0.2"));
        start(onlyOther, new SecurityConfig(UnknownSources.REJECT, FloodConfig.OFF, List.of()));
        try (Socket client = connect(pipeline.localAddress(Transport.TCP)))
        {
            client.getOutputStream().write(bytes(request("OPTIONS", "u@test", "z9hG4bK-u", 1, "TCP", "")));
            final String status = readExactly(client.getInputStream(), "SIP/2.0 403".length());
            assertEquals("SIP/2.0 403", status);
        }
        assertEquals(1, pipeline.counters().tcpUnknownRejected.get());
        assertEquals(0, engine.received.size());
        pipeline.close();

        pipeline = null;
        start(onlyOther, new SecurityConfig(UnknownSources.DROP, FloodConfig.OFF, List.of()));
        try (Socket client = connect(pipeline.localAddress(Transport.TCP)))
        {
            assertEquals(-1, client.getInputStream().read(), "closed as soon as accepted");
        }
        assertEquals(1, pipeline.counters().tcpUnknownDropped.get());
    }

    private void start(final SecurityConfig security) throws Exception
    {
        start(List.of(), security);
    }

    private void start(final List<TrunkSources> trunks, final SecurityConfig security)
        throws Exception
    {
        pipeline = new SipPipeline(config(64, 1_000), List.of(listen(Transport.TCP, "127.0.0.1")), AGENT,
            OverloadConfig.defaults(), trunks, security, TCP, nowNs::get);
        engine.sender = pipeline.sender();
        pipeline.start(engine);
    }
}
