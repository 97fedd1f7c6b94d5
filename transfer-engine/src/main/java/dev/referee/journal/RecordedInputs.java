package dev.referee.journal;

import dev.referee.engine.config.EngineConfig;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The inputs of a recorded run (and the outputs it sent, to check a replay against), decoded once and kept as one
 * byte array per SIP message with its source, transport and time: what a benchmark or an allocation test feeds to
 * a fresh engine, built with the same configuration and seed, without paying for building or decoding them.
 * Only SIP and tick inputs are kept; a recording with webhook answers is refused. Not thread-safe.
 */
public final class RecordedInputs
{
    private final EngineConfig config;
    private final RecordedMessages inputs;
    private final RecordedMessages outputs;

    private RecordedInputs(final EngineConfig config, final RecordedMessages inputs, final RecordedMessages outputs)
    {
        this.config = config;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** From encoded journal records in order, the first a node-start (e.g. a {@link MemorySink}'s). */
    public static RecordedInputs of(final Collection<byte[]> records)
    {
        EngineConfig config = null;
        final List<JournalRecord> inputs = new ArrayList<>();
        final List<JournalRecord> outputs = new ArrayList<>();
        for (final byte[] encoded : records)
        {
            final JournalRecord record = JournalDecoder.decode(encoded);
            switch (record.type)
            {
                case RecordType.NODE_START -> config = record.config;
                case RecordType.INPUT_SIP, RecordType.INPUT_TICK -> inputs.add(record);
                case RecordType.OUTPUT_SIP -> outputs.add(record);
                case RecordType.INPUT_WEBHOOK, RecordType.RECOVERED, RecordType.SNAPSHOT, RecordType.CONFIG,
                    RecordType.INPUT_TRANSPORT_FAILURE, RecordType.INPUT_MEDIA_IDLE, RecordType.INPUT_MEDIA_STATS,
                    RecordType.INPUT_MEDIA_OPEN_FAILED, RecordType.OUTPUT_DIGEST ->
                    throw new IllegalArgumentException("a recording to replay whole holds no " + record.typeName());
                default ->
                {
                }
            }
        }
        if (config == null)
        {
            throw new IllegalArgumentException("no node-start record: engine configuration and seed unknown");
        }
        return new RecordedInputs(config, RecordedMessages.of(inputs), RecordedMessages.of(outputs));
    }

    /** The configuration and seed of the recorded engine: a replay builds its engine with these. */
    public EngineConfig config()
    {
        return config;
    }

    public int size()
    {
        return inputs.size();
    }

    public boolean isTick(final int i)
    {
        return inputs.message(i) == null;
    }

    public long timeNs(final int i)
    {
        return inputs.timeNs(i);
    }

    public int transport(final int i)
    {
        return inputs.transport(i);
    }

    public InetSocketAddress source(final int i)
    {
        return inputs.peer(i);
    }

    public long connectionId(final int i)
    {
        return inputs.connectionId(i);
    }

    /** Points {@code buffer} at the whole of input {@code i}'s message (as a receive slot holds it) and returns its length. */
    public int wrap(final int i, final UnsafeBuffer buffer)
    {
        final byte[] message = inputs.message(i);
        buffer.wrap(message);
        return message.length;
    }

    /** The messages the recorded engine sent, in order. */
    public RecordedMessages outputs()
    {
        return outputs;
    }

    /** SIP messages (null for a tick) with their peer, transport, connection and time, by index. */
    public static final class RecordedMessages
    {
        private final byte[][] messages;
        private final long[] timesNs;
        private final int[] transports;
        private final InetSocketAddress[] peers;
        private final long[] connectionIds;

        private RecordedMessages(final int size)
        {
            messages = new byte[size][];
            timesNs = new long[size];
            transports = new int[size];
            peers = new InetSocketAddress[size];
            connectionIds = new long[size];
        }

        static RecordedMessages of(final List<JournalRecord> records)
        {
            final RecordedMessages table = new RecordedMessages(records.size());
            for (int i = 0; i < records.size(); i++)
            {
                final JournalRecord record = records.get(i);
                table.messages[i] = record.type == RecordType.INPUT_TICK ? null : record.message;
                table.timesNs[i] = record.timeNs;
                table.transports[i] = record.transport;
                table.peers[i] = record.peer;
                table.connectionIds[i] = record.connectionId;
            }
            return table;
        }

        public int size()
        {
            return messages.length;
        }

        public byte[] message(final int i)
        {
            return messages[i];
        }

        public long timeNs(final int i)
        {
            return timesNs[i];
        }

        public int transport(final int i)
        {
            return transports[i];
        }

        public InetSocketAddress peer(final int i)
        {
            return peers[i];
        }

        public long connectionId(final int i)
        {
            return connectionIds[i];
        }
    }
}
