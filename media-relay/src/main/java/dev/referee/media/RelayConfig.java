package dev.referee.media;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The relay thread's settings, read once at start. The {@code media} section's ports and timeouts belong to the
 * engine (it allocates with {@link MediaPorts} and passes timeouts in commands); this is what the thread needs.
 *
 * @param address          {@code media.address}: where every endpoint's ports are bound
 * @param maxEndpoints     endpoints open at once; beyond, OPEN fails (two per call, three during a transfer)
 * @param waiting          how the thread waits for packets
 * @param tickNs           the idle scan's period, and the longest a {@link RelayWait#SELECT} blocks
 * @param commandRingBytes the command ring (engine to relay): a power of two
 * @param reportRingBytes  the report ring (relay to engine): a power of two
 */
public record RelayConfig(InetAddress address, int maxEndpoints, RelayWait waiting, long tickNs, int commandRingBytes,
    int reportRingBytes)
{
    /** 1,000 calls with a transfer each under way; a ring holds about a thousand commands and reports. */
    public static RelayConfig defaults(final InetAddress address)
    {
        return new RelayConfig(address, 3_000, RelayWait.SELECT, TimeUnit.MILLISECONDS.toNanos(100), 64 * 1024,
            256 * 1024);
    }

    public RelayConfig
    {
        if (maxEndpoints < 1 || tickNs < TimeUnit.MILLISECONDS.toNanos(1))
        {
            throw new IllegalArgumentException("media relay: maxEndpoints >= 1 and tick >= 1 ms");
        }
    }

    public RelayConfig withWaiting(final RelayWait newWait)
    {
        return new RelayConfig(address, maxEndpoints, newWait, tickNs, commandRingBytes, reportRingBytes);
    }

    public RelayConfig withMaxEndpoints(final int newMax)
    {
        return new RelayConfig(address, newMax, waiting, tickNs, commandRingBytes, reportRingBytes);
    }
}
