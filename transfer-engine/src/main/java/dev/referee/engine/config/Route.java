package dev.referee.engine.config;

import dev.referee.config.AddressSyntax;
import dev.referee.config.ConfigException;
import dev.referee.config.ConfigSection;
import dev.referee.config.ConfigValue;
import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** One {@code routes} entry: requests whose Request-URI user part matches {@code user} go to {@code target}. */
public record Route(Pattern user, InetSocketAddress target, int transport)
{
    /** The {@code routes} list, in order (first match wins): {@code {user: regex, target: "host:port[;transport=tcp]"}}. */
    public static List<Route> readAll(final List<ConfigValue> items) throws ConfigException
    {
        final List<Route> routes = new ArrayList<>();
        for (final ConfigValue item : items)
        {
            final ConfigSection route = item.section().allowOnly("user", "target");
            final ConfigValue target = route.require("target");
            final int transport = target.parsed("address", Route::targetTransport);
            final InetSocketAddress address = target.parsed("address", Route::targetAddress);
            routes.add(new Route(route.require("user").regex(), address, transport));
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
