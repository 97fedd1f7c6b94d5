package dev.referee.journal;

import dev.referee.pipeline.OutboundEvent;
import dev.referee.pipeline.OutboundObserver;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Appends every message the send stage hands to a transport, on the send thread, stamped with the engine time of
 * the input that caused it ({@link OutboundEvent#timeNs}).
 */
public final class JournalOutputObserver implements OutboundObserver
{
    private final RecordSink sink;

    public JournalOutputObserver(final RecordSink sink)
    {
        this.sink = sink;
    }

    @Override
    public void onOutbound(final OutboundEvent event, final boolean endOfBatch)
    {
        final Bytes<?> out = sink.begin();
        try
        {
            JournalEncoder.outputSip(out, event.timeNs, event.transport, event.destination, event.connectionId,
                event.data, 0, event.length);
            sink.commit();
        }
        catch (final RuntimeException ex)
        {
            sink.abort();
            throw ex;
        }
    }
}
