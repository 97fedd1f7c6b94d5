package dev.referee.journal;

import dev.referee.engine.Engine;
import dev.referee.sip.AsciiView;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Feeds input records to an engine the way the pipeline does: a SIP input is parsed again from its bytes and handed
 * over with its recorded transport, source, connection and time; a tick is a tick; a webhook answer is handed over
 * with its request id, decision and target. Other records are ignored.
 * Single-threaded.
 */
public final class InputReplayer
{
    private final Engine engine;
    private final SipMessage message = new SipMessage();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final AsciiView target = new AsciiView();
    private long inputs;
    private long lastTimeNs = Long.MIN_VALUE;

    public InputReplayer(final Engine engine)
    {
        this.engine = engine;
    }

    /** Applies {@code record} when it is an input; returns true if it was one. */
    public boolean apply(final JournalRecord record)
    {
        switch (record.type)
        {
            case RecordType.INPUT_SIP ->
            {
                buffer.wrap(record.message);
                final boolean parsed = parse(record.message.length);
                engine.onMessage(message, parsed, record.transport, record.peer, record.connectionId, record.timeNs);
            }
            case RecordType.INPUT_TICK -> engine.onTick(record.timeNs);
            case RecordType.INPUT_TRANSPORT_FAILURE ->
                engine.onTransportFailure(record.transport, record.peer, record.timeNs);
            case RecordType.INPUT_MEDIA_IDLE -> engine.onMediaIdle(record.mediaEndpoint, record.timeNs);
            case RecordType.INPUT_MEDIA_OPEN_FAILED -> engine.onMediaOpenFailed(record.mediaEndpoint, record.mediaPort,
                record.mediaFailure, record.timeNs);
            case RecordType.INPUT_MEDIA_STATS ->
                engine.onMediaStats(record.mediaEndpoint, record.mediaFigures, record.timeNs);
            case RecordType.CONFIG ->
            {
                if (record.configPurpose != RecordType.CONFIG_RELOAD)
                {
                    return false;
                }
                engine.onReconfigure(record.config, record.timeNs);
            }
            case RecordType.INPUT_WEBHOOK ->
            {
                buffer.wrap(record.message);
                engine.onWebhookAnswer(record.webhookRequestId, record.webhookAccept,
                    target.wrap(buffer, 0, record.message.length), record.timeNs);
            }
            default ->
            {
                return false;
            }
        }
        inputs++;
        lastTimeNs = record.timeNs;
        return true;
    }

    private boolean parse(final int length)
    {
        try
        {
            return message.parse(buffer, 0, length);
        }
        catch (final RuntimeException ex)
        {
            // As the parse stage does: a parser failure becomes an unparsed message.
            return false;
        }
    }

    public long inputs()
    {
        return inputs;
    }

    /** Time of the last input applied; {@link Long#MIN_VALUE} before the first. */
    public long lastTimeNs()
    {
        return lastTimeNs;
    }
}
