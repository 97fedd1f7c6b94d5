package dev.referee.benchmarks.engine;

import dev.referee.engine.Engine;
import dev.referee.journal.RecordedInputs;
import dev.referee.sip.SipMessage;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Every SIP input of a recording parsed once, each into its own {@link SipMessage} over its own bytes, as the
 * pipeline's receive threads leave them in the inbound ring's slots: handing them to an engine is the engine
 * thread's share of the work only (the parse is the receive thread's). The engine reads messages and never changes
 * them, so the same messages serve every replay.
 */
final class ParsedInputs
{
    private final RecordedInputs inputs;
    private final SipMessage[] messages;
    private final boolean[] parsed;

    ParsedInputs(final RecordedInputs inputs)
    {
        this.inputs = inputs;
        messages = new SipMessage[inputs.size()];
        parsed = new boolean[inputs.size()];
        for (int i = 0; i < inputs.size(); i++)
        {
            if (!inputs.isTick(i))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
                final int length = inputs.wrap(i, buffer);
                messages[i] = new SipMessage();
                parsed[i] = messages[i].parse(buffer, 0, length);
            }
        }
    }

    /** Hands input {@code i} to {@code engine}. */
    void feed(final int i, final Engine engine)
    {
        final long timeNs = inputs.timeNs(i);
        final SipMessage message = messages[i];
        if (message == null)
        {
            engine.onTick(timeNs);
        }
        else
        {
            engine.onMessage(message, parsed[i], inputs.transport(i), inputs.source(i), inputs.connectionId(i),
                timeNs);
        }
    }
}
