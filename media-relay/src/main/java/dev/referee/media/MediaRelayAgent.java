package dev.referee.media;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The relay thread's duty cycle: apply the engine's commands, relay what the sockets hold, and on the slow tick
 * look for silent sessions. Not engine code: it reads its own clock (once per cycle, and once more after a blocking
 * select, whose wait is not known in advance), and what it learns goes back to the engine as reports.
 */
final class MediaRelayAgent implements Agent
{
    private final Selector selector;
    private final NanoClock clock;
    private final long selectTimeoutMs;
    private final long tickNs;
    private final CommandAdapter commands;
    private final PacketForwarder forwarder;
    private final IdleMonitor idle;
    private final RingbackPlayer ringback;
    private final Endpoints endpoints;
    private final Consumer<SelectionKey> onReady = this::onReady;
    private long nowNs;
    private boolean clockFresh;
    private long nextTickNs;
    private int packets;

    /** {@code selectTimeoutMs}: 0 polls the sockets ({@link RelayWait#POLL}), above it blocks up to that long. */
    MediaRelayAgent(final RelayConfig config, final Selector selector, final NanoClock clock,
        final long selectTimeoutMs, final RingBuffer commandRing, final RingBuffer reportRing,
        final RelayCounters counters)
    {
        this.selector = selector;
        this.clock = clock;
        this.selectTimeoutMs = selectTimeoutMs;
        this.tickNs = config.tickNs();
        final ReportPublisher reports = new ReportPublisher(reportRing, counters);
        this.endpoints = new Endpoints(config.address(), config.maxEndpoints(), selector, onReady);
        this.ringback = new RingbackPlayer(counters);
        this.commands = new CommandAdapter(commandRing, endpoints, reports, counters, ringback);
        this.forwarder = new PacketForwarder(reports, counters);
        this.idle = new IdleMonitor(endpoints, reports);
        this.nextTickNs = clock.nanoTime() + tickNs;
    }

    @Override
    public int doWork()
    {
        nowNs = clock.nanoTime();
        clockFresh = true;
        packets = 0;
        int work = commands.poll(nowNs);
        try
        {
            if (selectTimeoutMs > 0 && work == 0)
            {
                clockFresh = false;
                selector.select(onReady, waitMs());
                if (!clockFresh)
                {
                    nowNs = clock.nanoTime();
                }
            }
            else
            {
                selector.selectNow(onReady);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("media relay selector", ex);
        }
        work += packets;
        if (ringback.size() > 0)
        {
            work += ringback.play(nowNs);
        }
        if (nowNs - nextTickNs >= 0)
        {
            nextTickNs = nowNs + tickNs;
            work += idle.scan(nowNs);
        }
        return work;
    }

    /** How long a blocking select may wait: the configured wait, less while ringback has a frame due sooner. */
    private long waitMs()
    {
        if (ringback.size() == 0)
        {
            return selectTimeoutMs;
        }
        final long untilFrameMs = (ringback.nextDueNs() - nowNs) / 1_000_000L;
        return Math.max(1, Math.min(selectTimeoutMs, untilFrameMs));
    }

    @Override
    public void onClose()
    {
        endpoints.closeAll();
    }

    @Override
    public String roleName()
    {
        return "referee-media";
    }

    private void onReady(final SelectionKey key)
    {
        if (!clockFresh)
        {
            nowNs = clock.nanoTime();
            clockFresh = true;
        }
        final MediaEndpoint endpoint = (MediaEndpoint)key.attachment();
        packets += forwarder.drain(endpoint, key.channel() == endpoint.rtcp(), nowNs);
    }
}
