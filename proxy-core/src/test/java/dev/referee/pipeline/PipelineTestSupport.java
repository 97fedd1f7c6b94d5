package dev.referee.pipeline;

import dev.referee.config.ListenAddress;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Helpers shared by the transport and pipeline tests. */
public final class PipelineTestSupport
{
    public static final long TIMEOUT_MS = 10_000;
    public static final String AGENT = "Referee-test";

    private PipelineTestSupport()
    {
    }

    public static PipelineConfig config(final int ringSize, final int tickIntervalMs)
    {
        return new PipelineConfig(ringSize, ringSize, "blocking", tickIntervalMs);
    }

    public static SipPipeline pipeline(final int ringSize, final int tickIntervalMs, final ListenAddress... listen)
    {
        return new SipPipeline(config(ringSize, tickIntervalMs), List.of(listen), AGENT);
    }

    public static ListenAddress listen(final int transport, final String host)
    {
        return new ListenAddress(transport, new InetSocketAddress(address(host), 0));
    }

    public static InetAddress address(final String host)
    {
        try
        {
            return InetAddress.getByName(host);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** True when this machine can bind the IPv6 loopback. */
    public static boolean hasIpv6Loopback()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address("::1"), 0)))
        {
            return socket.getLocalPort() > 0;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    /** Checks {@code condition} until true or {@link #TIMEOUT_MS} passes; fails with {@code what} then. */
    public static void await(final String what, final BooleanSupplier condition)
    {
        try
        {
            Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .atMost(Duration.ofMillis(TIMEOUT_MS)).until(condition::getAsBoolean);
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("timed out waiting for " + what, ex);
        }
    }

    /** A request with every header a stateless response needs. */
    public static String request(final String method, final String callId, final String branch, final int cseq,
        final String transport, final String body)
    {
        return method + " sip:bob@example.com SIP/2.0\r\n" +
            "Via: SIP/2.0/" + transport + " 127.0.0.1:5099;branch=" + branch + "\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:alice@example.com>;tag=a1\r\n" +
            "To: <sip:bob@example.com>\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: " + cseq + " " + method + "\r\n" +
            "Contact: <sip:alice@127.0.0.1:5099>\r\n" +
            "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" +
            "\r\n" + body;
    }

    public static String response(final int status, final String callId, final String branch, final int cseq,
        final String method)
    {
        return "SIP/2.0 " + status + " OK\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=" + branch + "\r\n" +
            "From: <sip:alice@example.com>;tag=a1\r\n" +
            "To: <sip:bob@example.com>;tag=b1\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: " + cseq + " " + method + "\r\n" +
            "Content-Length: 0\r\n" +
            "\r\n";
    }

    public static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The value of the first header {@code name} in {@code message}, or null. */
    public static String header(final String message, final String name)
    {
        for (final String line : message.split("\r\n"))
        {
            final int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
            {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
