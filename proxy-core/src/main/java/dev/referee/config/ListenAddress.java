package dev.referee.config;

import dev.referee.transport.Transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One {@code listen} entry: "udp:127.0.0.1:5060", "tcp:[::1]:5060", "tls:127.0.0.1:5061". */
public record ListenAddress(int transport, InetSocketAddress address)
{
    /** Without a {@code listen} key: UDP and TCP on 127.0.0.1:5060. */
    public static final List<ListenAddress> DEFAULTS = List.of(
        new ListenAddress(Transport.UDP, new InetSocketAddress(AddressSyntax.ipLiteral("127.0.0.1"), 5060)),
        new ListenAddress(Transport.TCP, new InetSocketAddress(AddressSyntax.ipLiteral("127.0.0.1"), 5060)));

    /** The {@code listen} list: at least one address, none twice, no TCP port also a TLS port. */
    public static List<ListenAddress> readAll(final ConfigSection top) throws ConfigException
    {
        final ConfigValue value = top.get("listen");
        if (value == null)
        {
            return DEFAULTS;
        }
        final List<ConfigValue> items = value.items();
        if (items.isEmpty())
        {
            throw value.error("needs at least one address");
        }
        final List<ListenAddress> listen = new ArrayList<>();
        final Set<ListenAddress> seen = new HashSet<>();
        for (final ConfigValue item : items)
        {
            final ListenAddress address = item.parsed("address", AddressSyntax::listen);
            if (!seen.add(address))
            {
                throw item.error("duplicate listen address");
            }
            final boolean stream = address.transport() == Transport.TCP || address.transport() == Transport.TLS;
            if (stream && address.address().getPort() != 0 && seen.contains(
                new ListenAddress(address.transport() == Transport.TCP ? Transport.TLS : Transport.TCP, address.address())))
            {
                throw item.error("tcp and tls cannot listen on the same address and port");
            }
            listen.add(address);
        }
        return listen;
    }
}
