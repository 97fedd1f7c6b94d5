package dev.referee.benchmarks.engine;

import dev.referee.engine.Engine;
import dev.referee.journal.RecordedInputs;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A recording's inputs parsed before they are measured: one {@link SipMessage} per SIP input, over its own bytes,
 * from a pool that the next recording reuses.
 * <p>
 * In the node the receive thread parses each message into its inbound ring slot and the engine thread is handed the
 * parsed message; feeding these to the engine gives the engine thread's work alone, with a harness (a loop over an
 * array) that costs next to nothing beside it. The engine copies what it keeps of a message (a ring slot is reused
 * once the ring wraps), so a parsed message can be handed over and then parsed over again.
 */
final class ParsedInputs
{
    private RecordedInputs inputs;
    private SipMessage[] pool = new SipMessage[0];
    private UnsafeBuffer[] buffers = new UnsafeBuffer[0];
    private boolean[] parsed = new boolean[0];
    /** The one message {@link #feedJustParsed} parses each input into, over {@link #justParsedBytes}. */
    private final SipMessage justParsed = new SipMessage();
    private final UnsafeBuffer justParsedBytes = new UnsafeBuffer(new byte[0]);

    /** Parses every SIP input of {@code recording}, in place of the previous recording's. */
    void fill(final RecordedInputs recording)
    {
        inputs = recording;
        final int n = recording.size();
        if (pool.length < n)
        {
            grow(n);
        }
        for (int i = 0; i < n; i++)
        {
            if (!recording.isTick(i))
            {
                final int length = recording.wrap(i, buffers[i]);
                parsed[i] = pool[i].parse(buffers[i], 0, length);
            }
        }
    }

    /** Takes {@code recording} without parsing it: {@link #feedJustParsed} parses each input as it hands it over. */
    void wrapOnly(final RecordedInputs recording)
    {
        inputs = recording;
    }

    /**
     * Parses input {@code i} into one reused message and hands it to {@code engine} at once: the work of a node's
     * engine thread while it reads the sockets itself (pipeline.udp-receive: engine), the message hot in the caches.
     */
    void feedJustParsed(final int i, final Engine engine)
    {
        final boolean ok = !inputs.isTick(i) && justParsed.parse(justParsedBytes, 0, inputs.wrap(i, justParsedBytes));
        hand(i, engine, justParsed, ok);
    }

    private void grow(final int n)
    {
        final int old = pool.length;
        pool = java.util.Arrays.copyOf(pool, n);
        buffers = java.util.Arrays.copyOf(buffers, n);
        parsed = new boolean[n];
        for (int i = old; i < n; i++)
        {
            pool[i] = new SipMessage();
            buffers[i] = new UnsafeBuffer(new byte[0]);
        }
    }

    /** Hands input {@code i} to {@code engine} as the engine thread's ring handler does. */
    void feed(final int i, final Engine engine)
    {
        hand(i, engine, pool[i], parsed[i]);
    }

    /** Input {@code i} to {@code engine}: a tick as such, a SIP input as {@code message} (parsed when {@code ok}). */
    private void hand(final int i, final Engine engine, final SipMessage message, final boolean ok)
    {
        final RecordedInputs inputs = this.inputs;
        final long timeNs = inputs.timeNs(i);
        if (inputs.isTick(i))
        {
            engine.onTick(timeNs);
            return;
        }
        engine.onMessage(message, ok, inputs.transport(i), inputs.source(i), inputs.connectionId(i), timeNs);
    }

    /** What {@link #feed} reads without the engine, summed so that the reads are not optimised away. */
    long touch(final int i)
    {
        final RecordedInputs inputs = this.inputs;
        final long timeNs = inputs.timeNs(i);
        return !inputs.isTick(i) ? timeNs + pool[i].length() + inputs.transport(i) + inputs.connectionId(i) +
            inputs.source(i).getPort() : timeNs;
    }

    /** The recording the last {@link #fill} parsed. */
    RecordedInputs inputs()
    {
        return inputs;
    }

    int size()
    {
        return inputs.size();
    }
}
