package dev.referee.journal;

import com.lmax.disruptor.EventHandler;
import dev.referee.pipeline.InboundEvent;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The journal stage of the inbound ring: appends every input (SIP message, tick, webhook answer) before the engine
 * sees it (the engine's barrier waits for this stage), so a process crash loses nothing the engine acted on. Runs on its own
 * thread in parallel with the parse stage.
 * <p>
 * After a recovery the stage also moves the inputs' time onto the journal's time line ({@code timeOffsetNs}): a new
 * process has a new {@link System#nanoTime()} origin, and engine time must not go back. It restamps the slot
 * before appending, so the journal records exactly the time the engine sees.
 */
public final class JournalInputStage implements EventHandler<InboundEvent>
{
    private final RecordSink sink;
    private final long timeOffsetNs;

    public JournalInputStage(final RecordSink sink, final long timeOffsetNs)
    {
        this.sink = sink;
        this.timeOffsetNs = timeOffsetNs;
    }

    @Override
    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        event.timeNs += timeOffsetNs;
        append(event);
    }

    /** Appends one input as it stands (no restamping); for the benchmark and tests. */
    public void append(final InboundEvent event)
    {
        if (event.type != InboundEvent.SIP && event.type != InboundEvent.TICK && event.type != InboundEvent.WEBHOOK)
        {
            return;
        }
        final Bytes<?> out = sink.begin();
        try
        {
            if (event.type == InboundEvent.SIP)
            {
                JournalEncoder.inputSip(out, event.timeNs, event.transport, event.source, event.local,
                    event.connectionId, event.data, 0, event.length);
            }
            else if (event.type == InboundEvent.WEBHOOK)
            {
                JournalEncoder.inputWebhook(out, event.timeNs, event.webhookRequestId, event.webhookAccept,
                    event.data, 0, event.length);
            }
            else
            {
                JournalEncoder.inputTick(out, event.timeNs);
            }
            sink.commit();
        }
        catch (final RuntimeException ex)
        {
            sink.abort();
            throw ex;
        }
    }
}
