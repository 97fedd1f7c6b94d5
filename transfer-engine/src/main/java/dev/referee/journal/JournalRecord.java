package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded record, for readers that are not on a hot path (recovery, replay, the operators' tools). Fields a
 * record type does not have keep their defaults (0, null); {@code docs/journal-format.md} says which are set.
 */
public final class JournalRecord
{
    /** Chronicle index of the record (cycle and sequence); -1 when not read from a queue. */
    public long index = -1;
    public int type;
    public int recordVersion;
    /** Engine time: receive time of an input, the causing input's time for an output and an event. */
    public long timeNs;

    // node-start, recovered
    public int formatVersion;
    public long wallClockMs;
    public EngineConfig config;
    /** config: {@link RecordType#CONFIG_RELOAD} or {@link RecordType#CONFIG_IN_FORCE}. */
    public int configPurpose;
    public long inputsReplayed;
    public long recoveryNs;

    // input-sip, output-sip
    public int transport;
    /** input-sip: where it came from; output-sip: where it went. */
    public InetSocketAddress peer;
    /** input-sip only: the listener it arrived on. */
    public InetSocketAddress local;
    public long connectionId;
    /** {@link RecordType#INPUT_MEDIA_IDLE}: the relay's endpoint id. */
    public long mediaEndpoint;
    /** {@link RecordType#INPUT_MEDIA_OPEN_FAILED}: the endpoint's RTP port and the relay's reason (0: bind failed). */
    public int mediaPort;
    public int mediaFailure;
    /** {@link RecordType#INPUT_MEDIA_STATS}: the endpoint's figures. */
    public dev.referee.ring.MediaFigures mediaFigures;
    /**
     * The SIP message; for an output-digest, null until a replay rebuilt it ({@link JournalVerifier} fills it in when
     * the rebuilt message matches the digest).
     */
    public byte[] message;

    // output-digest
    /** Length of the message sent. */
    public int messageLength;
    /** {@link OutputDigest#hash} of the message sent. */
    public long messageHash;
    /** The message's first line as recorded. */
    public String digestFirstLine;
    /** The message's Call-ID as recorded (empty when it had none). */
    public String sipCallId;

    // input-webhook (the new target URI, possibly empty, is in message)
    public long webhookRequestId;
    public boolean webhookAccept;

    // snapshot (the part's bytes are in message)
    public int snapshotPart;
    public int snapshotParts;
    /** Length of the whole snapshot, all parts together. */
    public int snapshotLength;

    // domain events
    public long callId;
    public long parentCallId;
    public long transferId;
    public long newCallId;
    public int status;
    /** Text fields of an event, in the order of the {@link dev.referee.engine.events.EngineEvents} method. */
    public String[] text = NO_TEXT;

    /** The encoded record as stored (replay compares these). */
    public byte[] raw;

    static final String[] NO_TEXT = new String[0];

    public boolean isInput()
    {
        return RecordType.isInput(type);
    }

    /** A message Referee sent: output-sip, or output-digest. */
    public boolean isOutput()
    {
        return RecordType.isOutput(type);
    }

    public boolean isEvent()
    {
        return RecordType.isEvent(type);
    }

    public String typeName()
    {
        return RecordType.name(type);
    }

    public String text(final int i)
    {
        return i < text.length ? text[i] : null;
    }

    /** The SIP message as text (its bytes are ASCII or UTF-8 in bodies; ISO-8859-1 keeps every byte). */
    public String messageText()
    {
        return message == null ? null : new String(message, StandardCharsets.ISO_8859_1);
    }

    /** The first line of the SIP message: request line or status line. */
    public String firstLine()
    {
        if (message == null)
        {
            return digestFirstLine == null ? "" : digestFirstLine;
        }
        int end = 0;
        while (end < message.length && message[end] != '\r' && message[end] != '\n')
        {
            end++;
        }
        return new String(message, 0, end, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString()
    {
        return JournalFormatter.describe(this);
    }

    @Override
    public boolean equals(final Object o)
    {
        return o instanceof JournalRecord other && raw != null && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode()
    {
        return raw == null ? 0 : Arrays.hashCode(raw);
    }
}
