package dev.referee.media;

import org.agrona.concurrent.CachedNanoClock;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * A relay stepped on the test thread with a test clock ({@link RelayWait#POLL}: {@code doWork} never blocks), real
 * loopback sockets for its endpoints and the phones, and every report recorded. Conditions are awaited, never
 * slept for.
 */
final class MediaRelayHarness implements AutoCloseable
{
    static final InetAddress LOOPBACK;
    static final long MS = 1_000_000L;
    private static final long TIMEOUT_MS = 5_000;

    static
    {
        try
        {
            LOOPBACK = InetAddress.getByName("127.0.0.1");
        }
        catch (final UnknownHostException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final CachedNanoClock clock = new CachedNanoClock();
    final MediaRelay relay;
    final MediaCommands commands;
    final RecordedReports reports = new RecordedReports();
    private final List<Peer> peers = new ArrayList<>();

    MediaRelayHarness()
    {
        this(RelayConfig.defaults(LOOPBACK));
    }

    MediaRelayHarness(final RelayConfig config)
    {
        clock.update(1_000_000 * MS);
        relay = new MediaRelay(config, clock, RelayWait.POLL);
        commands = relay.commands();
    }

    Peer peer()
    {
        final Peer peer = new Peer();
        peers.add(peer);
        return peer;
    }

    /** Opens an endpoint on a free pair (other processes share this machine's ports) and waits for OPENED. */
    int open(final long endpointId, final boolean strictSource, final long timeoutNs)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            final int port = freePair();
            assertOffered(commands.open(endpointId, port, strictSource, timeoutNs));
            await("open " + endpointId, () -> reports.opened.contains(endpointId) ||
                reports.openFailed.containsKey(endpointId));
            if (reports.opened.contains(endpointId))
            {
                return port;
            }
            reports.openFailed.remove(endpointId);
        }
        throw new AssertionError("no free port pair for endpoint " + endpointId);
    }

    /** The peer's socket as the SDP gives it: RTCP on the port after RTP (not bound; only RTP is). */
    void peer(final long endpointId, final Peer peer, final boolean rtcpMux)
    {
        assertOffered(commands.peer(endpointId, LOOPBACK, peer.port(), peer.port() + 1, rtcpMux, 8000));
        step();
    }

    void link(final long a, final long b)
    {
        assertOffered(commands.link(a, b));
        step();
    }

    /** One relay duty cycle, then the reports it made. */
    void step()
    {
        relay.doWork();
        relay.reports().poll(reports, Integer.MAX_VALUE);
    }

    /** Steps the relay until {@code peer} got a datagram; returns it. */
    Peer.Received receive(final Peer peer)
    {
        final Peer.Received[] got = new Peer.Received[1];
        await("a packet at " + peer.port(), () ->
        {
            step();
            got[0] = peer.receive();
            return got[0] != null;
        });
        return got[0];
    }

    /** Steps the relay until the condition holds. */
    void await(final String what, final BooleanSupplier condition)
    {
        try
        {
            Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .atMost(Duration.ofMillis(TIMEOUT_MS)).until(() ->
                {
                    step();
                    return condition.getAsBoolean();
                });
        }
        catch (final ConditionTimeoutException ex)
        {
            throw new AssertionError("timed out waiting for " + what, ex);
        }
    }

    static void assertOffered(final boolean offered)
    {
        if (!offered)
        {
            throw new AssertionError("command ring full");
        }
    }

    /** An even port whose pair is free now, somewhere in 40000-59998. */
    static int freePair()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int port = 40_000 + 2 * ThreadLocalRandom.current().nextInt(10_000);
            try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
                DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port + 1)))
            {
                if (rtp.isBound() && rtcp.isBound())
                {
                    return port;
                }
            }
            catch (final IOException ex)
            {
                // taken: try another
            }
        }
        throw new AssertionError("no free port pair");
    }

    @Override
    public void close()
    {
        relay.close();
        peers.forEach(Peer::close);
    }
}
