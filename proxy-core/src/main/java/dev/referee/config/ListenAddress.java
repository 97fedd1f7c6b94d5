package dev.referee.config;

import java.net.InetSocketAddress;

/** One {@code listen} entry: "udp:127.0.0.1:5060", "tcp:[::1]:5060". */
public record ListenAddress(int transport, InetSocketAddress address)
{
}
