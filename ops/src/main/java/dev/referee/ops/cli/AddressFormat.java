package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.transport.Transport;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Writes addresses the way the configuration reads them, so output can be pasted back into a file. */
final class AddressFormat
{
    private AddressFormat()
    {
    }

    static String listen(final ListenAddress listen)
    {
        return Transport.paramName(listen.transport()) + ":" + hostPort(listen.address());
    }

    static String hostPort(final InetSocketAddress address)
    {
        final String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
