package dev.referee.engine.config;

import dev.referee.config.AddressSyntax;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code routes} entry: requests whose Request-URI user part matches {@code user} go to its {@code target}, or to
 * the first of its {@code targets} that answers (docs/routing.md, "Routes with more than one target").
 *
 * @param name        {@code routes[i].name}: optional, unique; what {@code trunks[i].routes} names. Null when not given.
 * @param targets     one or more, in the order written; {@link #target()} and {@link #transport()} are the first's.
 * @param keepaliveMs {@code routes[i].keepalive}: how often each target is asked OPTIONS to tell whether it is up; 0:
 *                    never (every target counts as up).
 */
public record Route(String name, Pattern user, List<RouteTarget> targets, long keepaliveMs)
{
    /** Largest number of targets of one route: a call tries each at most once. */
    public static final int MAX_TARGETS = 16;
    /** Largest keepalive interval accepted. */
    public static final long MAX_KEEPALIVE_MS = 3_600_000;

    public Route
    {
        targets = List.copyOf(targets);
        if (targets.isEmpty() || targets.size() > MAX_TARGETS)
        {
            throw new IllegalArgumentException("a route has 1 to " + MAX_TARGETS + " targets: " + targets.size());
        }
    }

    /** A route to one target. */
    public Route(final String name, final Pattern user, final InetSocketAddress target, final int transport)
    {
        this(name, user, List.of(new RouteTarget(target, transport)), 0);
    }

    /** An unnamed route to one target. */
    public Route(final Pattern user, final InetSocketAddress target, final int transport)
    {
        this(null, user, target, transport);
    }

    /** The first target's address (the only one of a route with one target). */
    public InetSocketAddress target()
    {
        return targets.get(0).address();
    }

    /** The first target's transport. */
    public int transport()
    {
        return targets.get(0).transport();
    }

    /**
     * The {@code routes} list, in order (first match wins): {@code {user: regex, target: "host:port[;transport=tcp|tls]"}},
     * or {@code targets: [{target, priority, weight}, ...]} instead of {@code target}, and {@code keepalive}.
     */
    public static List<Route> readAll(final List<ConfigValue> items) throws ConfigException
    {
        final List<Route> routes = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final ConfigSection route = item.section().allowOnly("name", "user", "target", "targets", "keepalive");
            final ConfigValue name = route.get("name");
            if (name != null && !names.add(name.nonEmptyText()))
            {
                throw name.error("duplicate route name '" + name.text() + "'");
            }
            routes.add(new Route(name == null ? null : name.text(), route.require("user").regex(), targets(route),
                route.durationMs("keepalive", 0, MAX_KEEPALIVE_MS)));
        }
        return routes;
    }

    private static List<RouteTarget> targets(final ConfigSection route) throws ConfigException
    {
        final ConfigValue one = route.get("target");
        final ConfigValue many = route.get("targets");
        if (one != null && many != null)
        {
            throw many.error("a route has either target or targets, not both");
        }
        if (one != null)
        {
            return List.of(new RouteTarget(one.parsed("address", Route::targetAddress),
                one.parsed("address", Route::targetTransport)));
        }
        if (many == null)
        {
            route.require("target"); // neither: "target" is what most routes have, and what the error names
        }
        final List<ConfigValue> items = route.items("targets");
        if (items.isEmpty() || items.size() > MAX_TARGETS)
        {
            throw many.error("targets must list 1 to " + MAX_TARGETS + " targets");
        }
        final List<RouteTarget> targets = new ArrayList<>(items.size());
        for (final ConfigValue item : items)
        {
            final ConfigSection target = item.section().allowOnly("target", "priority", "weight");
            final ConfigValue address = target.require("target");
            targets.add(new RouteTarget(address.parsed("address", Route::targetAddress),
                address.parsed("address", Route::targetTransport),
                target.integer("priority", RouteTarget.DEFAULT_PRIORITY, 0, 65_535),
                target.integer("weight", RouteTarget.DEFAULT_WEIGHT, 1, 65_535)));
        }
        return targets;
    }

    /** "host:port[;transport=udp|tcp|tls]" without the parameters. */
    private static InetSocketAddress targetAddress(final String text)
    {
        final int semicolon = text.indexOf(';');
        return AddressSyntax.hostPort(semicolon < 0 ? text : text.substring(0, semicolon));
    }

    /** The transport parameter of a route target; UDP when absent, the only parameter allowed. */
    private static int targetTransport(final String text)
    {
        int transport = Transport.UDP;
        final String[] parts = text.split(";", -1);
        for (int i = 1; i < parts.length; i++)
        {
            final String param = parts[i].trim().toLowerCase(Locale.ROOT);
            if (!param.startsWith("transport="))
            {
                throw new IllegalArgumentException("unknown parameter '" + parts[i] + "' (only transport=udp|tcp|tls)");
            }
            transport = AddressSyntax.transport(param.substring("transport=".length()));
        }
        return transport;
    }
}
