package dev.referee.engine;

import dev.referee.config.ListenAddress;
import dev.referee.config.RefereeConfig;
import dev.referee.config.Route;
import dev.referee.transport.Transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the engine needs from the configuration, in engine units (nanoseconds).
 *
 * @param listen     every listening address: Via and Contact name the one of the transport and the address family
 *                   of the peer.
 * @param seed       seed of the identifier generator: the same seed and inputs give the same tags and Call-IDs.
 */
public record EngineConfig(
    List<ListenAddress> listen,
    List<Route> routes,
    long t1Ns,
    long t2Ns,
    long t4Ns,
    int maxCalls,
    String userAgent,
    long seed)
{
    public EngineConfig
    {
        listen = List.copyOf(listen);
        if (listen.isEmpty())
        {
            throw new IllegalArgumentException("no listen address");
        }
    }

    public static EngineConfig from(final RefereeConfig config, final long seed)
    {
        final RefereeConfig.SipConfig sip = config.sip();
        return new EngineConfig(
            config.listen(),
            config.routes(),
            TimeUnit.MILLISECONDS.toNanos(sip.t1Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t2Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t4Ms()),
            sip.maxCalls(),
            sip.userAgent(),
            seed);
    }

    /**
     * The address to advertise toward a peer over {@code transport} in family {@code ipv6}: the first listener that
     * matches both, else one of the same transport, else the first listener.
     */
    public InetSocketAddress localAddress(final int transport, final boolean ipv6)
    {
        ListenAddress sameTransport = null;
        for (final ListenAddress candidate : listen)
        {
            if (candidate.transport() == transport)
            {
                if ((candidate.address().getAddress() instanceof Inet6Address) == ipv6)
                {
                    return candidate.address();
                }
                if (sameTransport == null)
                {
                    sameTransport = candidate;
                }
            }
        }
        return sameTransport != null ? sameTransport.address() : listen.get(0).address();
    }
}
