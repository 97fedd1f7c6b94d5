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
 * One {@code routes} entry: requests whose Request-URI user part matches {@code user} go to {@code target}.
 *
 * @param name {@code routes[i].name}: optional, unique; what {@code trunks[i].routes} names. Null when not given.
 */
public record Route(String name, Pattern user, InetSocketAddress target, int transport)
{
    /** An unnamed route. */
    public Route(final Pattern user, final InetSocketAddress target, final int transport)
    {
        this(null, user, target, transport);
    }

    /** The {@code routes} list, in order (first match wins): {@code {user: regex, target: "host:port[;transport=tcp]"}}. */
    public static List<Route> readAll(final List<ConfigValue> items) throws ConfigException
    {
        final List<Route> routes = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final ConfigSection route = item.section().allowOnly("name", "user", "target");
            final ConfigValue name = route.get("name");
            if (name != null && !names.add(name.nonEmptyText()))
            {
                throw name.error("duplicate route name '" + name.text() + "'");
            }
            final ConfigValue target = route.require("target");
            final int transport = target.parsed("address", Route::targetTransport);
            final InetSocketAddress address = target.parsed("address", Route::targetAddress);
            routes.add(new Route(name == null ? null : name.text(), route.require("user").regex(), address, transport));
        }
        return routes;
    }

    /** "host:port[;transport=udp|tcp]" without the parameters. */
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
                throw new IllegalArgumentException("unknown parameter '" + parts[i] + "' (only transport=udp|tcp)");
            }
            transport = AddressSyntax.transport(param.substring("transport=".length()));
        }
        return transport;
    }
}
