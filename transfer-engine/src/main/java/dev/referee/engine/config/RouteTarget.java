package dev.referee.engine.config;

import java.net.InetSocketAddress;

/**
 * One target of a route ({@code routes[].targets[]}): where calls go, over which transport, in which order. Lower
 * {@code priority} first; among targets of equal priority, calls are spread in proportion to {@code weight} (RFC 2782's
 * rule, as for DNS SRV).
 */
public record RouteTarget(InetSocketAddress address, int transport, int priority, int weight)
{
    public static final int DEFAULT_PRIORITY = 1;
    public static final int DEFAULT_WEIGHT = 1;

    /** A route's one {@code target}. */
    public RouteTarget(final InetSocketAddress address, final int transport)
    {
        this(address, transport, DEFAULT_PRIORITY, DEFAULT_WEIGHT);
    }
}
