package dev.referee.journal;

import com.lmax.disruptor.EventHandler;
import dev.referee.engine.config.EngineConfig;
import dev.referee.ring.InboundEvent;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The journal stage of the inbound ring: appends every input (SIP message, tick, webhook answer) before the engine
 * sees it (the engine's barrier waits for this stage), so a process crash loses nothing the engine acted on. Runs
 * on the engine thread just before the engine, which is also why engine snapshots are taken here (see
 * {@link JournalSnapshotter}).
 * <p>
 * After a recovery the stage also moves the inputs' time onto the journal's time line ({@code timeOffsetNs}): a new
 * process has a new {@link System#nanoTime()} origin, and engine time must not go back. It restamps the slot
 * before appending, so the journal records exactly the time the engine sees.
 */
public final class JournalInputStage implements EventHandler<InboundEvent>
{
    private final RecordSink sink;
    private final long timeOffsetNs;
    private final JournalSnapshotter snapshotter;
    private final JournalSender outputs;
    private final AddressCache addresses = new AddressCache();

    public JournalInputStage(final RecordSink sink, final long timeOffsetNs)
    {
        this(sink, timeOffsetNs, null, null);
    }

    /**
     * With {@code snapshotter} (null: none) told of each input before it is appended, and {@code outputs} (null:
     * none) told of each input's time, which the messages sent while the engine handles it carry.
     */
    public JournalInputStage(final RecordSink sink, final long timeOffsetNs, final JournalSnapshotter snapshotter,
        final JournalSender outputs)
    {
        this.sink = sink;
        this.timeOffsetNs = timeOffsetNs;
        this.snapshotter = snapshotter;
        this.outputs = outputs;
    }

    @Override
    public void onEvent(final InboundEvent event, final long sequence, final boolean endOfBatch)
    {
        event.timeNs += timeOffsetNs;
        if (snapshotter != null && isInput(event))
        {
            // Before the append: the snapshot holds every input up to the previous one, and this one follows it.
            snapshotter.beforeInput(event.timeNs);
        }
        append(event);
    }

    private static boolean isInput(final InboundEvent event)
    {
        return event.type == InboundEvent.SIP || event.type == InboundEvent.TICK ||
            event.type == InboundEvent.WEBHOOK || event.type == InboundEvent.CONFIG ||
            event.type == InboundEvent.TRANSPORT_FAILURE || event.type == InboundEvent.MEDIA_IDLE ||
            event.type == InboundEvent.MEDIA_STATS || event.type == InboundEvent.MEDIA_OPEN_FAILED;
    }

    /** Appends one input as it stands (no restamping); for the benchmark and tests. */
    public void append(final InboundEvent event)
    {
        if (!isInput(event))
        {
            return;
        }
        if (outputs != null)
        {
            outputs.inputTimeNs(event.timeNs);
        }
        final Bytes<?> out = sink.begin();
        try
        {
            if (event.type == InboundEvent.SIP)
            {
                JournalEncoder.inputSip(out, addresses, event.timeNs, event.transport, event.source, event.local,
                    event.connectionId, event.data, 0, event.length);
            }
            else if (event.type == InboundEvent.WEBHOOK)
            {
                JournalEncoder.inputWebhook(out, event.timeNs, event.webhookRequestId, event.webhookAccept,
                    event.data, 0, event.length);
            }
            else if (event.type == InboundEvent.TRANSPORT_FAILURE)
            {
                JournalEncoder.inputTransportFailure(out, event.timeNs, event.transport, event.source,
                    event.connectionId);
            }
            else if (event.type == InboundEvent.MEDIA_IDLE)
            {
                JournalEncoder.inputMediaIdle(out, event.timeNs, event.mediaEndpoint);
            }
            else if (event.type == InboundEvent.MEDIA_OPEN_FAILED)
            {
                JournalEncoder.inputMediaOpenFailed(out, event.timeNs, event.mediaEndpoint, event.mediaPort,
                    event.mediaFailure);
            }
            else if (event.type == InboundEvent.MEDIA_STATS)
            {
                JournalEncoder.inputMediaStats(out, event.timeNs, event.mediaEndpoint, event.mediaFigures);
            }
            else if (event.type == InboundEvent.CONFIG)
            {
                JournalEncoder.config(out, event.timeNs, 0, RecordType.CONFIG_RELOAD,
                    (EngineConfig)event.settings);
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
