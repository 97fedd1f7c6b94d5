package dev.referee.media;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The reading side of the report ring: decodes what the relay reported and calls a {@link MediaReportListener}.
 * One reader thread (the one that turns reports into engine inputs); it never waits: {@link #poll} returns what
 * was there.
 */
public final class MediaReports
{
    private final RingBuffer ring;
    private final EndpointStats stats = new EndpointStats();
    private final MessageHandler handler = this::onMessage;
    private MediaReportListener listener;

    MediaReports(final RingBuffer ring)
    {
        this.ring = ring;
    }

    /** Hands up to {@code limit} reports to the listener; how many there were. */
    public int poll(final MediaReportListener listener, final int limit)
    {
        this.listener = listener;
        try
        {
            return ring.read(handler, limit);
        }
        finally
        {
            this.listener = null;
        }
    }

    private void onMessage(final int type, final DirectBuffer buffer, final int index, final int length)
    {
        final long endpointId = buffer.getLong(index + Wire.ENDPOINT);
        switch (type)
        {
            case Wire.OPENED -> listener.onOpened(endpointId, buffer.getInt(index + Wire.OPENED_PORT));
            case Wire.OPEN_FAILED -> listener.onOpenFailed(endpointId, buffer.getInt(index + Wire.OPENED_PORT),
                MediaReportListener.OpenFailure.values()[buffer.getInt(index + Wire.OPENED_REASON)]);
            case Wire.LATCHED ->
            {
                final InetAddress address = Wire.getAddress(buffer, index + Wire.LATCHED_ADDRESS);
                listener.onLatched(endpointId, buffer.getInt(index + Wire.LATCHED_RTCP) != 0,
                    new InetSocketAddress(address, buffer.getInt(index + Wire.LATCHED_PORT)),
                    buffer.getLong(index + Wire.LATCHED_TIME));
            }
            case Wire.IDLE -> listener.onIdle(endpointId, buffer.getLong(index + Wire.IDLE_FAR),
                buffer.getLong(index + Wire.IDLE_LAST), buffer.getLong(index + Wire.IDLE_TIME));
            case Wire.STATS_REPORT -> listener.onStats(endpointId, stats.wrap(buffer, index));
            case Wire.CLOSED -> listener.onClosed(endpointId, stats.wrap(buffer, index));
            case Wire.REFUSED -> listener.onRefused(endpointId, buffer.getInt(index + Wire.REFUSED_COMMAND));
            default -> throw new IllegalStateException("unknown media report type " + type);
        }
    }
}
