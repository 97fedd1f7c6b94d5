package dev.referee.ops.interop;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Free loopback ports for the processes of an interop test, and a probe for "someone has bound it". */
final class Ports
{
    static final String LOOPBACK = "127.0.0.1";

    private Ports()
    {
    }

    /** A port that is free for both UDP and TCP right now (bind 0, then check the other protocol). */
    static int freeUdpAndTcpPort()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK)))
            {
                final int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port)))
                {
                    return udp.getLocalPort();
                }
                catch (final IOException busyForUdp)
                {
                    // try another one
                }
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException("cannot bind an ephemeral port on " + LOOPBACK, ex);
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP on " + LOOPBACK);
    }

    /** True when another process has bound the port for this transport (our own bind fails). */
    static boolean isBound(final int port, final SippTransport transport)
    {
        try
        {
            if (transport == SippTransport.UDP)
            {
                new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
            }
            else
            {
                // Linux refuses a second bind on a listening port even with SO_REUSEADDR; no connection is made.
                new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK)).close();
            }
            return false;
        }
        catch (final BindException inUse)
        {
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Polls the condition every 50 ms until it holds or the timeout passes; returns whether it held. */
    static boolean await(final BooleanSupplier condition, final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadlineNs)
        {
            if (condition.getAsBoolean())
            {
                return true;
            }
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
