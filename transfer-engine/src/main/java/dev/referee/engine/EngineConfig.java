package dev.referee.engine;

import dev.referee.config.ListenAddress;
import dev.referee.config.RefereeConfig;
import dev.referee.config.Route;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the engine needs from the configuration, in engine units (nanoseconds).
 *
 * @param udpAddress address advertised in Via/Contact for UDP (null when not listening on UDP).
 * @param tcpAddress address advertised in Via/Contact for TCP (null when not listening on TCP).
 * @param seed       seed of the identifier generator: the same seed and inputs give the same tags and Call-IDs.
 */
public record EngineConfig(
    InetSocketAddress udpAddress,
    InetSocketAddress tcpAddress,
    List<Route> routes,
    long t1Ns,
    long t2Ns,
    long t4Ns,
    int maxCalls,
    String userAgent,
    long seed)
{
    public static EngineConfig from(final RefereeConfig config, final long seed)
    {
        InetSocketAddress udp = null;
        InetSocketAddress tcp = null;
        for (final ListenAddress listen : config.listen())
        {
            if (listen.transport() == Transport.UDP && udp == null)
            {
                udp = listen.address();
            }
            else if (listen.transport() == Transport.TCP && tcp == null)
            {
                tcp = listen.address();
            }
        }
        final RefereeConfig.SipConfig sip = config.sip();
        return new EngineConfig(
            udp,
            tcp,
            config.routes(),
            TimeUnit.MILLISECONDS.toNanos(sip.t1Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t2Ms()),
            TimeUnit.MILLISECONDS.toNanos(sip.t4Ms()),
            sip.maxCalls(),
            sip.userAgent(),
            seed);
    }

    /** The address advertised for {@code transport}, falling back to the other transport's. */
    public InetSocketAddress localAddress(final int transport)
    {
        if (transport == Transport.TCP)
        {
            return tcpAddress != null ? tcpAddress : udpAddress;
        }
        return udpAddress != null ? udpAddress : tcpAddress;
    }
}
