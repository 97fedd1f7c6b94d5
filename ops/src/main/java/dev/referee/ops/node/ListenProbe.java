package dev.referee.ops.node;

import dev.referee.config.ListenAddress;
import dev.referee.transport.Transport;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * Whether every {@code listen} address is free to bind now: a socket bound and closed at once, per address. A new
 * leader asks before it binds its pipeline, because a pipeline whose bind failed is closed and the next try needs a
 * new one, whose rings are hundreds of MiB: retried every 50 ms while the lost leader still held the addresses (a
 * leader woken from a 2 s stop), that filled the heap, and the members' full collections (350 ms and more) missed
 * heartbeats, so leadership moved again and again (2026-12-05).
 */
final class ListenProbe
{
    private ListenProbe()
    {
    }

    /** True when each address could be bound just now (it may be taken again before the real bind). */
    static boolean free(final List<ListenAddress> listen)
    {
        for (final ListenAddress address : listen)
        {
            if (!free(address))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean free(final ListenAddress listen)
    {
        try
        {
            if (Transport.isStream(listen.transport()))
            {
                try (ServerSocketChannel probe = ServerSocketChannel.open())
                {
                    probe.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as the TCP transport binds
                    probe.bind(listen.address());
                }
            }
            else
            {
                try (DatagramChannel probe = DatagramChannel.open())
                {
                    probe.bind(listen.address());
                }
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
