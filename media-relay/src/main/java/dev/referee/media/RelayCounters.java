package dev.referee.media;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay's totals, for /status and /metrics. Written by the relay thread only (a lazy set, no atomic add on the
 * packet path), read by any thread.
 */
public final class RelayCounters
{
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong reportsDropped = new AtomicLong();
    private final AtomicLong commandsRefused = new AtomicLong();
    private final AtomicLong openFailures = new AtomicLong();
    private final AtomicLong endpoints = new AtomicLong();
    private final AtomicLong ringback = new AtomicLong();

    /** Packets sent on to a far side's peer. */
    public long relayed()
    {
        return relayed.get();
    }

    /** Packets received and not relayed (strict-source, no far side, far peer unknown). */
    public long dropped()
    {
        return dropped.get();
    }

    /** Packets the socket would not take (its buffer full) or refused with an error. */
    public long sendFailures()
    {
        return sendFailures.get();
    }

    /** Reports not written because the report ring was full. */
    public long reportsDropped()
    {
        return reportsDropped.get();
    }

    /** Commands that named an endpoint the relay does not have. */
    public long commandsRefused()
    {
        return commandsRefused.get();
    }

    /** Endpoints not opened: their ports held elsewhere, the relay full, or their id in use. */
    public long openFailures()
    {
        return openFailures.get();
    }

    /** Ringback packets sent (generated tone toward a transferee while its transfer's target rings). */
    public long ringback()
    {
        return ringback.get();
    }

    /** Endpoints open now. */
    public long endpoints()
    {
        return endpoints.get();
    }

    void relayed(final int packets)
    {
        relayed.lazySet(relayed.get() + packets);
    }

    void dropped(final int packets)
    {
        dropped.lazySet(dropped.get() + packets);
    }

    void sendFailed()
    {
        sendFailures.lazySet(sendFailures.get() + 1);
    }

    void reportDropped()
    {
        reportsDropped.lazySet(reportsDropped.get() + 1);
    }

    void commandRefused()
    {
        commandsRefused.lazySet(commandsRefused.get() + 1);
    }

    void openFailed()
    {
        openFailures.lazySet(openFailures.get() + 1);
    }

    void ringback(final int packets)
    {
        ringback.lazySet(ringback.get() + packets);
    }

    void endpoints(final int open)
    {
        endpoints.lazySet(open);
    }
}
