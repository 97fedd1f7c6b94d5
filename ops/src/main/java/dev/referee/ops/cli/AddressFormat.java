package dev.referee.ops.cli;

import dev.referee.config.ListenAddress;
import dev.referee.transport.Addresses;
import dev.referee.transport.Transport;

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
        return Addresses.hostPort(address);
    }
}
